import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { createClientIp } from './client-ip.js';
import { createProxyTrust, parseTrustProxy } from './proxy-trust.js';

/** Asks a Fastify app with the given TRUST_PROXY for request.ip and for our reading of the same raw request. */
async function bothReadings(trustProxy: string, headers: Record<string, string>, remoteAddress: string) {
  const trust = createProxyTrust(parseTrustProxy(trustProxy));
  const app = Fastify({ trustProxy: trust });
  const clientIp = createClientIp(trust);
  app.get('/', (request) => ({ fastify: request.ip, ours: clientIp(request.raw) }));
  try {
    return (await app.inject({ url: '/', headers, remoteAddress })).json<{ fastify: string; ours: string }>();
  } finally {
    await app.close();
  }
}

describe('createClientIp', () => {
  const cases: [string, Record<string, string>][] = [
    ['no forwarding header', {}],
    ['one forwarded address', { 'x-forwarded-for': '203.0.113.7' }],
    ['a chain of proxies', { 'x-forwarded-for': '203.0.113.7, 198.51.100.2,10.0.0.3' }],
    ['junk in the header', { 'x-forwarded-for': ' , not-an-ip ,' }],
  ];
  for (const trustProxy of ['false', '1', '2', '192.0.2.0/24', '192.0.2.44,10.0.0.0/8', 'loopback']) {
    for (const [what, headers] of cases) {
      it(`gives Fastify's request.ip with TRUST_PROXY=${trustProxy}: ${what}`, async () => {
        const { fastify, ours } = await bothReadings(trustProxy, headers, '192.0.2.44');
        expect(ours).toBe(fastify);
      });
    }
  }

  it('ignores X-Forwarded-For unless the peer is a trusted proxy', async () => {
    const headers = { 'x-forwarded-for': '203.0.113.7' };
    expect((await bothReadings('false', headers, '192.0.2.44')).ours).toBe('192.0.2.44');
    expect((await bothReadings('loopback', headers, '192.0.2.44')).ours).toBe('192.0.2.44');
    expect((await bothReadings('192.0.2.44', headers, '192.0.2.44')).ours).toBe('203.0.113.7');
    expect((await bothReadings('1', headers, '192.0.2.44')).ours).toBe('203.0.113.7');
  });

  it('takes the right-most address that is not a trusted proxy, whatever the client wrote left of it', async () => {
    // The client sent "6.6.6.6, 7.7.7.7"; nginx (10.0.0.5) appended the client's address, the web server
    // (10.0.0.9) appended nginx's, and the web server is the api's peer.
    const headers = { 'x-forwarded-for': '6.6.6.6, 7.7.7.7, 203.0.113.7, 10.0.0.5' };
    expect((await bothReadings('10.0.0.0/8', headers, '10.0.0.9')).ours).toBe('203.0.113.7');
    expect((await bothReadings('2', headers, '10.0.0.9')).ours).toBe('203.0.113.7');
    // Trusting one hop too few gives the nearer proxy, never a client-written entry.
    expect((await bothReadings('1', headers, '10.0.0.9')).ours).toBe('10.0.0.5');
  });
});
