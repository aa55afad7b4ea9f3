import proxyAddr from '@fastify/proxy-addr';

/**
 * Which proxies' X-Forwarded-* headers are believed (TRUST_PROXY): none, the nearest `hops` ones, or
 * those at these addresses (IPs, CIDRs, or @fastify/proxy-addr's names loopback/linklocal/uniquelocal).
 */
export type TrustProxy = { kind: 'none' } | { kind: 'hops'; hops: number } | { kind: 'addresses'; addresses: readonly string[] };

/**
 * How Fastify's `trustProxy` takes it: `false`, or whether the `hop`-th address of the chain (0: the
 * socket's peer, then X-Forwarded-For from right to left) belongs to a trusted proxy.
 */
export type ProxyTrust = false | ((address: string | undefined, hop: number) => boolean);

const MAX_HOPS = 10;
const TRUST_ALL = /^(true|yes|on|\*)$/i;
const FALSE = /^(false|no|off)$/i;

/** Why an entry would let any client through as a proxy, or undefined when it names some addresses only. */
function trustsEveryone(entry: string): string | undefined {
  const [address = '', prefix] = entry.split('/');
  if (prefix === undefined) return undefined;
  if (/^0+$/.test(prefix) || /^0+(\.0+){3}$/.test(prefix)) return `${entry} is every address`;
  // proxy-addr compares IPv4 clients as IPv4-mapped IPv6 too: ::ffff:0:0/96 is every IPv4 address.
  if (/^::ffff:/i.test(address) && Number(prefix) <= 96) return `${entry} is every IPv4 address`;
  return undefined;
}

/**
 * Reads TRUST_PROXY. "Trust everyone" (`true`, `*`, `0.0.0.0/0`, `::/0`) is refused: with it, the
 * left-most X-Forwarded-For entry, which the client writes, would be its address, so a client could
 * choose its rate-limit bucket. Throws an Error naming the problem.
 */
export function parseTrustProxy(value: string | undefined): TrustProxy {
  const text = value?.trim() ?? '';
  if (text === '' || FALSE.test(text)) return { kind: 'none' };
  if (TRUST_ALL.test(text)) {
    throw new Error(`must name the proxies, not trust every client (${text}): a hop count (e.g. 1) or their IPs/CIDRs (e.g. 10.0.0.0/8,loopback)`);
  }
  if (/^\d+$/.test(text)) {
    const hops = Number(text);
    if (hops > MAX_HOPS) throw new Error(`expected a hop count between 0 and ${MAX_HOPS}, or IPs/CIDRs`);
    return hops === 0 ? { kind: 'none' } : { kind: 'hops', hops };
  }
  const addresses = text
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  for (const entry of addresses) {
    const everyone = trustsEveryone(entry);
    if (everyone !== undefined) throw new Error(`must name the proxies, not trust every client (${everyone})`);
  }
  try {
    proxyAddr.compile([...addresses]);
  } catch (error) {
    throw new Error(`expected a hop count or IPs/CIDRs (${(error as Error).message})`);
  }
  return { kind: 'addresses', addresses };
}

/** The trust function Fastify's `trustProxy` and createClientIp both use, so their readings agree. */
export function createProxyTrust(trust: TrustProxy): ProxyTrust {
  switch (trust.kind) {
    case 'none':
      return false;
    case 'hops': {
      const { hops } = trust;
      return (_address, hop) => hop < hops;
    }
    case 'addresses': {
      const trusted = proxyAddr.compile([...trust.addresses]);
      return (address, hop) => address !== undefined && trusted(address, hop);
    }
  }
}
