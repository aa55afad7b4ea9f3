import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * The SSRF rules of webhook URLs: https only (http where WEBHOOK_ALLOW_HTTP says so), and a host whose
 * every address is a public unicast one, unless an allowed network (WEBHOOK_ALLOWED_NETWORKS) holds it.
 * Loopback, private, link-local (cloud metadata at 169.254.169.254), carrier-grade NAT, multicast,
 * unique-local and the other special ranges that ipaddr.js names are refused; an IPv4-mapped IPv6 address
 * counts as its IPv4 address. Checked at registration and again at every delivery, on the addresses the
 * delivery then connects to (a name that resolves elsewhere later, DNS rebinding, gains nothing).
 */
export interface UrlGuardOptions {
  allowHttp: boolean;
  /** CIDRs (`127.0.0.0/8`, `::1/128`) whose addresses are allowed although special. */
  allowedNetworks: readonly string[];
}

/** Why a URL is refused, in words a client can act on. */
export class UrlRefusedError extends Error {
  override readonly name = 'UrlRefusedError';
}

export interface ResolvedTarget {
  address: string;
  family: 4 | 6;
}

export interface UrlGuard {
  /** The address to connect to for `url`, once every address of its host passed; throws UrlRefusedError. */
  resolve(url: URL): Promise<ResolvedTarget>;
}

/** Throws for a CIDR list ipaddr.js cannot read (env.ts reports it as a bad variable). */
export function parseNetworks(networks: readonly string[]): [ipaddr.IPv4 | ipaddr.IPv6, number][] {
  return networks.map((cidr) => ipaddr.parseCIDR(cidr));
}

export function createUrlGuard(options: UrlGuardOptions): UrlGuard {
  const allowed = parseNetworks(options.allowedNetworks);

  const refusal = (address: string): string | undefined => {
    let parsed = ipaddr.parse(address);
    if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
    if (allowed.some(([network, bits]) => network.kind() === parsed.kind() && parsed.match(network, bits))) return undefined;
    const range = parsed.range();
    return range === 'unicast' ? undefined : `${address} is a ${range} address`;
  };

  return {
    async resolve(url) {
      if (url.protocol !== 'https:' && !(url.protocol === 'http:' && options.allowHttp)) {
        throw new UrlRefusedError(options.allowHttp ? 'must be an http(s) URL' : 'must be an https URL');
      }
      const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
      let addresses: { address: string; family: number }[];
      if (isIP(host) !== 0) {
        addresses = [{ address: host, family: isIP(host) }];
      } else {
        try {
          addresses = await lookup(host, { all: true, verbatim: true });
        } catch {
          throw new UrlRefusedError(`its host ${host} does not resolve`);
        }
      }
      const first = addresses[0];
      if (first === undefined) throw new UrlRefusedError(`its host ${host} does not resolve`);
      // Every address, not only the one used: a host that also resolves inward is refused as a whole.
      for (const { address } of addresses) {
        const why = refusal(address);
        if (why !== undefined) throw new UrlRefusedError(`its host ${host} resolves to a non-public address (${why}); allow its network with WEBHOOK_ALLOWED_NETWORKS if it is meant`);
      }
      return { address: first.address, family: first.family === 6 ? 6 : 4 };
    },
  };
}
