import type { IncomingMessage } from 'node:http';
import proxyAddr from '@fastify/proxy-addr';

/**
 * The client address exactly as Fastify's `request.ip` gives it, from the raw request, so that the rate
 * limit's hook and the read lane (which runs before Fastify) key on one reading of it: the peer
 * address, or with `trustProxy` the left-most X-Forwarded-For entry, through the same
 * @fastify/proxy-addr that Fastify uses.
 */
export function createClientIp(trustProxy: boolean): (request: IncomingMessage) => string | undefined {
  if (!trustProxy) return (request) => request.socket.remoteAddress;
  const trustAll = () => true;
  return (request) => {
    const addresses = proxyAddr.all(request, trustAll);
    return addresses[addresses.length - 1];
  };
}
