import type { IncomingMessage } from 'node:http';
import proxyAddr from '@fastify/proxy-addr';
import type { ProxyTrust } from './proxy-trust.js';

/**
 * The client address exactly as Fastify's `request.ip` gives it, from the raw request, so that the rate
 * limit's hook and the read lane (which runs before Fastify) key on one reading of it: the peer address,
 * or with trusted proxies the right-most X-Forwarded-For entry that is not one of them, through the same
 * @fastify/proxy-addr and the same trust function that Fastify uses (app.ts passes it as `trustProxy`).
 * Entries left of that one were written by the client (or a proxy nobody vouches for) and are ignored.
 */
export function createClientIp(trust: ProxyTrust): (request: IncomingMessage) => string | undefined {
  if (trust === false) return (request) => request.socket.remoteAddress;
  return (request) => {
    const addresses = proxyAddr.all(request, trust);
    return addresses[addresses.length - 1];
  };
}
