import { waitUntil } from '@livecart/local-services/testing';
import { findFreePort } from '@livecart/local-services';
import type { ErrorEnvelope, Product } from '@livecart/schemas';
import { eventKeys } from '@livecart/schemas/transport';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUTH, createProductVia, createTestContext, type TestContext } from './helpers.js';

let ctx: TestContext;
let a: FastifyInstance;
let b: FastifyInstance;

beforeAll(async () => {
  ctx = await createTestContext('coherence');
  a = await ctx.app();
  b = await ctx.app();
});
afterAll(() => ctx.close());

const get = async (app: FastifyInstance, id: string) => {
  const response = await app.inject({ url: `/v1/products/${id}` });
  return { status: response.statusCode, product: response.json<Product>(), seq: Number(response.headers['x-event-seq']) };
};

describe('cross-instance L1 coherence', () => {
  it('a change made through instance A is served by instance B within a second', async () => {
    const created = await createProductVia(a);
    await get(b, created.id);
    await get(b, created.id);
    expect(b.productCache.peek(created.id)?.product.version).toBe(1);

    const patched = await a.inject({ method: 'PATCH', url: `/v1/products/${created.id}`, headers: { ...AUTH, 'if-match': '*' }, payload: { priceMinor: 777 } });
    expect(patched.statusCode).toBe(200);
    const started = Date.now();
    const seen = await waitUntil(async () => {
      const { product } = await get(b, created.id);
      return product.version === 2 ? product : undefined;
    }, { what: 'B to serve version 2', timeoutMs: 1_000, intervalMs: 20 });
    expect(seen.priceMinor).toBe(777);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('a deletion through A becomes a 404 on B', async () => {
    const created = await createProductVia(a);
    expect((await get(b, created.id)).status).toBe(200);
    await a.inject({ method: 'DELETE', url: `/v1/products/${created.id}`, headers: { ...AUTH, 'if-match': '*' } });
    await waitUntil(async () => ((await get(b, created.id)).status === 404 ? true : undefined), { what: 'B to answer 404', timeoutMs: 1_000, intervalMs: 20 });
  });

  it('X-Event-Seq never goes backwards and reaches the seq of the change that was read', async () => {
    const created = await createProductVia(a);
    let last = 0;
    for (let i = 0; i < 5; i++) {
      await a.inject({ method: 'PATCH', url: `/v1/products/${created.id}`, headers: { ...AUTH, 'if-match': '*' }, payload: { stock: i } });
      const seen = await waitUntil(async () => {
        const read = await get(b, created.id);
        return read.product.stock === i ? read : undefined;
      }, { what: `stock ${i} on B`, timeoutMs: 2_000, intervalMs: 20 });
      expect(seen.seq).toBeGreaterThanOrEqual(last);
      last = seen.seq;
    }
    await b.events.settled();
    expect((await get(b, created.id)).seq).toBeGreaterThanOrEqual(last);
    expect(b.events.appliedSeq).toBeGreaterThan(0);
  });

  it('stops using L1 while its event subscription is down, and resumes after reconnecting', async () => {
    const created = await createProductVia(a);
    await get(b, created.id);
    const admin = new Redis(ctx.redisUrl);
    const clients = (await admin.client('LIST')) as string;
    const line = clients.split('\n').find((entry) => entry.includes(`name=${eventKeys({ prefix: ctx.prefix }).channel} `) && entry.includes('sub=1'));
    const id = /id=(\d+)/.exec(line ?? '')?.[1];
    expect(id).toBeDefined();
    await admin.client('KILL', 'ID', id as string);
    await a.inject({ method: 'PATCH', url: `/v1/products/${created.id}`, headers: { ...AUTH, 'if-match': '*' }, payload: { name: 'Changed while B was deaf' } });
    const seen = await waitUntil(async () => {
      const { product } = await get(b, created.id);
      return product.name === 'Changed while B was deaf' ? product : undefined;
    }, { what: 'B to serve the change made during its reconnect', timeoutMs: 2_000, intervalMs: 20 });
    expect(seen.version).toBe(2);
    await waitUntil(() => (b.events.isConnected ? true : undefined), { what: 'B to resubscribe', timeoutMs: 3_000, intervalMs: 20 });
    await admin.quit();
  });
});

describe('Redis outage', () => {
  it('reads fall back to Postgres, writes succeed, /ready says 503', async () => {
    const created = await createProductVia(a);
    const deadPort = await findFreePort();
    const cut = await ctx.app({ REDIS_URL: `redis://127.0.0.1:${deadPort}`, OUTBOX_RELAY_ENABLED: 'false' }, { eventStartupWaitMs: 100 });

    const read = await cut.inject({ url: `/v1/products/${created.id}` });
    expect(read.statusCode).toBe(200);
    expect(read.json<Product>().id).toBe(created.id);
    const write = await cut.inject({ method: 'PATCH', url: `/v1/products/${created.id}`, headers: { ...AUTH, 'if-match': '*' }, payload: { stock: 1 } });
    expect(write.statusCode).toBe(200);
    const again = await cut.inject({ url: `/v1/products/${created.id}` });
    expect(again.json<Product>().stock).toBe(1);

    const ready = await cut.inject({ url: '/ready' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json<ErrorEnvelope>()).toMatchObject({ code: 'SERVICE_UNAVAILABLE', details: [{ field: 'redis', message: 'does not answer' }] });
    expect(cut.productCache.stats.l2Errors).toBeGreaterThan(0);
  });
});
