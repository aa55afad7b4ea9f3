import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProductVia, createTestContext, type TestContext } from './helpers.js';

/*
 * Behind a proxy that appends the address it saw to X-Forwarded-For (nginx's $proxy_add_x_forwarded_for),
 * whatever a client writes into that header itself lands left of its real address. The rate limit must
 * key on the right-most address that is not a trusted proxy, so a client that makes up a new
 * X-Forwarded-For for every request still has one bucket. Sent over real sockets from 127.0.0.1, which
 * plays the trusted proxy; reads alternate between the read lane (a warm product) and a Fastify route.
 */

const READ_MAX = 6;

let ctx: TestContext;

beforeAll(async () => {
  ctx = await createTestContext('forwarded-for');
});
afterAll(() => ctx.close());

async function listening(trustProxy: string): Promise<{ app: FastifyInstance; base: string }> {
  const app = await ctx.app({ TRUST_PROXY: trustProxy, RATE_LIMIT_READ_MAX: String(READ_MAX), RATE_LIMIT_WINDOW_MS: '3600000' });
  await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, base: `http://127.0.0.1:${(app.server.address() as { port: number }).port}` };
}

let spoofed = 0;
/** A different made-up address every time, as a client trying to look like many would write. */
const madeUp = () => `203.0.113.${++spoofed % 250}, 192.0.2.${spoofed % 250}`;

describe.each([
  ['a list of proxies', 'loopback'],
  ['a hop count', '1'],
])('TRUST_PROXY as %s', (_what, trustProxy) => {
  it('keeps a client that writes its own X-Forwarded-For in one bucket: all its reads get 429 together', async () => {
    const { app, base } = await listening(trustProxy);
    const product = await createProductVia(app);
    // Sent once by the route, the product is then answered by the read lane.
    expect((await fetch(`${base}/v1/products/${product.id}`, { headers: { 'x-forwarded-for': '198.51.100.200' } })).status).toBe(200);
    const paths = [`/v1/products/${product.id}`, '/v1/products?limit=1'];
    const client = '198.51.100.7';
    const read = (i: number, realClient = client) =>
      fetch(`${base}${paths[i % 2]}`, { headers: { 'x-forwarded-for': `${madeUp()}, ${realClient}` } }).then((response) => response.status);

    const admitted: number[] = [];
    for (let i = 0; i < READ_MAX; i++) admitted.push(await read(i));
    expect(admitted).toEqual(Array(READ_MAX).fill(200));
    const refused: number[] = [];
    for (let i = 0; i < 4; i++) refused.push(await read(i));
    expect(refused).toEqual([429, 429, 429, 429]);

    // Another client behind the same proxy keeps its own bucket.
    expect(await read(0, '198.51.100.8')).toBe(200);
  });
});
