import { isIP } from 'node:net';

/**
 * The addresses an X-Forwarded-For value lists, nearest hop last. An entry that is not an IP address
 * (a port, a name, garbage) is kept as '' so the count of hops stays right but it is never chosen.
 */
export function parseForwardedFor(value: string | undefined): string[] {
  if (value === undefined || value.trim() === '') return [];
  return value.split(',').map((entry) => {
    const address = entry.trim();
    return isIP(address) === 0 ? '' : address;
  });
}

/**
 * The shopper's address in `chain` (claims of the proxies in front, then the TCP peer last), when the
 * `trustedHops` nearest hops are proxies this server trusts: the entry that many places left of the
 * peer. A chain shorter than that means a trusted proxy did not add its entry: the leftmost is the best
 * there is. Undefined when that entry is no IP address.
 */
export function clientAddressOf(chain: readonly string[], trustedHops: number): string | undefined {
  if (chain.length === 0) return undefined;
  const address = chain[Math.max(0, chain.length - 1 - trustedHops)];
  return address === undefined || address === '' ? undefined : address;
}
