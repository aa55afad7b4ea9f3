import { waitUntil } from '@livecart/local-services/testing';
import type { Cart } from '@livecart/schemas';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { revocationsChannel } from '../src/auth/revocations.js';
import { AUTH, createProductVia, createTestContext, testPool, type TestContext } from './helpers.js';

/**
 * A product known sold out is refused before the database: in a flash sale the losers arrive together,
 * and none of them may wait for a pooled connection only to read "0 left" there. Proven with every
 * connection of the pool taken: a request that needed one would stall (and end in 503), a refusal
 * from memory answers 409 at once.
 */

const POOL_MAX = 3;
let ctx: TestContext;
let pool: pg.Pool;
let redis: Redis;
let seller: FastifyInstance;
let other: FastifyInstance;

beforeAll(async () => {
  ctx = await createTestContext('sold-out-admission');
  pool = testPool(ctx.databaseUrl);
  redis = new Redis(ctx.redisUrl, { lazyConnect: true });
  const env = { DATABASE_POOL_MAX: String(POOL_MAX), CART_SWEEP_INTERVAL_MS: '3600000', AUTH_CACHE_TTL_MS: '600000' };
  seller = await ctx.app(env);
  other = await ctx.app({ ...env, OUTBOX_RELAY_ENABLED: 'false' });
  // Shopper sessions come from memory only while revocations are heard: wait for both apps' subscriptions.
  await waitUntil(async () => ((await redis.pubsub('NUMSUB', revocationsChannel(ctx.prefix))) as [string, number])[1] >= 2, { what: 'both apps to hear revocations' });
});

afterAll(async () => {
  redis?.disconnect();
  await pool?.end();
  await ctx?.close();
});

interface Shopper {
  cookie: string;
  cart: Cart;
}

async function newShopper(app: FastifyInstance): Promise<Shopper> {
  const answer = await app.inject({ method: 'POST', url: '/v1/carts' });
  expect(answer.statusCode, answer.body).toBe(201);
  return { cookie: String(answer.headers['set-cookie']).split(';')[0]!, cart: answer.json<Cart>() };
}

const add = (app: FastifyInstance, shopper: Shopper, productId: string, quantity = 1) =>
  app.inject({ method: 'POST', url: `/v1/carts/${shopper.cart.id}/lines`, headers: { cookie: shopper.cookie }, payload: { productId, quantity } });

const order = (app: FastifyInstance, productId: string, headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url: '/v1/orders', headers, payload: { items: [{ productId, quantity: 1 }] } });

/** Takes every connection of the app's pool until the returned function gives them back. */
async function takeThePool(app: FastifyInstance): Promise<() => void> {
  const held = await Promise.all(Array.from({ length: POOL_MAX }, () => app.db.connect()));
  return () => held.forEach((client) => client.release());
}

describe('a product known sold out', () => {
  it('is refused 409 without a connection on the instance that sold its last unit, and sold again once restocked', async () => {
    const item = await createProductVia(seller, { stock: 1 });
    const [winner, loser] = [await newShopper(seller), await newShopper(seller)];
    expect((await add(seller, winner, item.id)).statusCode).toBe(200);
    expect(seller.soldOut.isSoldOut(item.id)).toBe(true);

    const giveBack = await takeThePool(seller);
    try {
      const refused = await add(seller, loser, item.id);
      expect(refused.statusCode).toBe(409);
      expect(refused.json()).toMatchObject({ code: 'OUT_OF_STOCK', message: 'this product is sold out' });
      const ordered = await order(seller, item.id);
      expect(ordered.statusCode).toBe(409);
      expect(ordered.json()).toMatchObject({ code: 'OUT_OF_STOCK', details: [{ field: 'body.items[0].quantity', message: 'none is available' }] });
    } finally {
      giveBack();
    }
    const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM cart_lines WHERE cart_id = $1', [loser.cart.id]);
    expect(rows[0]!.n).toBe(0);

    const restocked = await seller.inject({ method: 'PATCH', url: `/v1/products/${item.id}`, headers: { ...AUTH, 'if-match': `"${item.version + 1}"` }, payload: { stock: 3 } });
    expect(restocked.statusCode, restocked.body).toBe(200);
    expect(seller.soldOut.isSoldOut(item.id)).toBe(false);
    expect((await add(seller, loser, item.id)).statusCode).toBe(200);
  });

  it('is refused the same way on another instance once the event of its last unit arrives there', async () => {
    const item = await createProductVia(seller, { stock: 1 });
    const loser = await newShopper(other);
    expect((await add(seller, await newShopper(seller), item.id)).statusCode).toBe(200);
    await waitUntil(() => other.soldOut.isSoldOut(item.id), { what: "the other instance to hear of the last unit's event" });

    const giveBack = await takeThePool(other);
    try {
      const refused = await add(other, loser, item.id);
      expect(refused.statusCode).toBe(409);
      expect(refused.json()).toMatchObject({ code: 'OUT_OF_STOCK', message: 'this product is sold out' });
    } finally {
      giveBack();
    }
  });

  it('is refused to a request that was already waiting for a connection when the news came', async () => {
    const item = await createProductVia(seller, { stock: 1 });
    const loser = await newShopper(other);
    const giveBack = await takeThePool(other);
    let waiting: ReturnType<typeof add> | undefined;
    try {
      waiting = add(other, loser, item.id);
      // The request is queued for a connection; meanwhile the last unit sells on the other instance.
      expect((await add(seller, await newShopper(seller), item.id)).statusCode).toBe(200);
      await waitUntil(() => other.soldOut.isSoldOut(item.id), { what: "the other instance to hear of the last unit's event" });
    } finally {
      giveBack();
    }
    const refused = await waiting;
    expect(refused.statusCode).toBe(409);
    // The database's own refusal says "not enough ... available": this one never reached it.
    expect(refused.json()).toMatchObject({ code: 'OUT_OF_STOCK', message: 'this product is sold out' });
  });

  it('answers a request waiting for a connection as soon as the news comes, not at its turn, and the connection it was owed goes back', async () => {
    const item = await createProductVia(seller, { stock: 1 });
    const loser = await newShopper(other);
    const giveBack = await takeThePool(other);
    try {
      const waiting = add(other, loser, item.id);
      expect((await add(seller, await newShopper(seller), item.id)).statusCode).toBe(200);
      // Every connection is still taken: only the news can answer it.
      const answered = await Promise.race([waiting, new Promise<'still waiting'>((resolve) => setTimeout(() => resolve('still waiting'), 5_000))]);
      expect(answered === 'still waiting' ? answered : answered.statusCode).toBe(409);
      expect(other.soldOut.watched).toBe(0);
    } finally {
      giveBack();
    }
    // The connection handed to the request that had its answer went straight back: the pool serves on.
    const next = await createProductVia(seller, { stock: 1 });
    expect((await add(other, loser, next.id)).statusCode).toBe(200);
    expect(other.db.waitingCount).toBe(0);
  });

  it('still reads the stored outcome of a request with an Idempotency-Key: a retry of a placed order gets its 201', async () => {
    const item = await createProductVia(seller, { stock: 1 });
    const headers = { 'idempotency-key': 'sold-out-admission-retry' };
    expect((await order(seller, item.id, headers)).statusCode).toBe(201);
    expect(seller.soldOut.isSoldOut(item.id)).toBe(true);
    const retried = await order(seller, item.id, headers);
    expect(retried.statusCode).toBe(201);
    expect(retried.headers['idempotent-replayed']).toBe('true');
  });
});
