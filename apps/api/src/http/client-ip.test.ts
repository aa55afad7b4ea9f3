import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { createClientIp } from './client-ip.js';

/** Asks a Fastify app with the given trustProxy for request.ip and for our reading of the same raw request. */
async function bothReadings(trustProxy: boolean, headers: Record<string, string>, remoteAddress: string) {
  const app = Fastify({ trustProxy });
  const clientIp = createClientIp(trustProxy);
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
  for (const trustProxy of [false, true]) {
    for (const [what, headers] of cases) {
      it(`gives Fastify's request.ip with trustProxy ${trustProxy}: ${what}`, async () => {
        const { fastify, ours } = await bothReadings(trustProxy, headers, '192.0.2.44');
        expect(ours).toBe(fastify);
      });
    }
  }

  it('ignores X-Forwarded-For unless the proxy is trusted', async () => {
    expect((await bothReadings(false, { 'x-forwarded-for': '203.0.113.7' }, '192.0.2.44')).ours).toBe('192.0.2.44');
    expect((await bothReadings(true, { 'x-forwarded-for': '203.0.113.7' }, '192.0.2.44')).ours).toBe('203.0.113.7');
  });
});
