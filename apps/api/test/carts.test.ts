import { CART_MAX_LINE_QUANTITY, SHOPPER_SESSION_COOKIE, type Cart, type Product, type ProductPage } from '@livecart/schemas';
import { waitUntil } from '@livecart/local-services/testing';
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUTH, createProductVia, createTestContext, testPool, type TestContext } from './helpers.js';

/** Carts and their stock holds through the HTTP API: totals, caps, availability everywhere, staff edits. */

let ctx: TestContext;
let pool: pg.Pool;
let app: FastifyInstance;

beforeAll(async () => {
  ctx = await createTestContext('carts');
  pool = testPool(ctx.databaseUrl);
  // No sweep during these tests: holds stay until a test lets them lapse itself.
  app = await ctx.app({ CART_SWEEP_INTERVAL_MS: '3600000' });
});

afterAll(async () => {
  await pool?.end();
  await ctx?.close();
});

interface Shopper {
  cookie: string;
  cart: Cart;
}

async function newShopper(): Promise<Shopper> {
  const answer = await app.inject({ method: 'POST', url: '/v1/carts' });
  expect(answer.statusCode, answer.body).toBe(201);
  const setCookie = String(answer.headers['set-cookie']);
  expect(setCookie).toMatch(new RegExp(`^${SHOPPER_SESSION_COOKIE}=`));
  expect(setCookie).toMatch(/HttpOnly/i);
  return { cookie: setCookie.split(';')[0]!, cart: answer.json<Cart>() };
}

const add = (shopper: Shopper, productId: string, quantity: number) =>
  app.inject({ method: 'POST', url: `/v1/carts/${shopper.cart.id}/lines`, headers: { cookie: shopper.cookie }, payload: { productId, quantity } });

const product = async (id: string) => (await app.inject({ method: 'GET', url: `/v1/products/${id}` })).json<Product>();

describe('carts', () => {
  it('gives the first cart action a guest session, and the same cart on the next open', async () => {
    const shopper = await newShopper();
    expect(shopper.cart).toMatchObject({ currency: null, lines: [], itemCount: 0, totalMinor: 0 });
    // Made in one statement for the session the request started: as a read shows it, and audited.
    const read = await app.inject({ method: 'GET', url: `/v1/carts/${shopper.cart.id}`, headers: { cookie: shopper.cookie } });
    expect(read.json<Cart>()).toEqual({ ...shopper.cart, expiresAt: read.json<Cart>().expiresAt, updatedAt: read.json<Cart>().updatedAt });
    const { rows } = await pool.query('SELECT action, change, actor_type, actor_name FROM audit_log WHERE subject_id = $1', [shopper.cart.id]);
    expect(rows).toEqual([{ action: 'cart.created', change: [{ field: 'lines', from: null, to: 0 }], actor_type: 'guest', actor_name: expect.any(String) }]);
    const again = await app.inject({ method: 'POST', url: '/v1/carts', headers: { cookie: shopper.cookie } });
    expect(again.statusCode).toBe(200);
    expect(again.json<Cart>().id).toBe(shopper.cart.id);
    expect(again.headers['set-cookie']).toBeUndefined();
  });

  it('answers a read with X-Event-Seq and X-Event-Epoch: following cart:<id> from there misses nothing the answer lacks', async () => {
    const item = await createProductVia(app, { stock: 5 });
    const shopper = await newShopper();
    expect((await add(shopper, item.id, 1)).statusCode).toBe(200);
    const { rows } = await pool.query<{ n: number }>('SELECT last_seq::int AS n FROM outbox_sequence');
    const written = rows[0]!.n;
    const read = () => app.inject({ method: 'GET', url: `/v1/carts/${shopper.cart.id}`, headers: { cookie: shopper.cookie } });
    // Once this instance has applied the add's event, a read says so; the seq never runs ahead of the data.
    await waitUntil(async () => Number((await read()).headers['x-event-seq']) >= written, { what: 'the cart read to report the add’s seq' });
    const answer = await read();
    expect(answer.headers['x-event-epoch']).toMatch(/\S/);
    expect(answer.json<Cart>().lines).toMatchObject([{ productId: item.id, quantity: 1 }]);
  });

  it('holds units on add: the line, its totals, and the product’s available (not its stock) all show it, with a new version', async () => {
    const item = await createProductVia(app, { stock: 10, priceMinor: 1_250 });
    const shopper = await newShopper();
    const answer = await add(shopper, item.id, 3);
    expect(answer.statusCode, answer.body).toBe(200);
    const cart = answer.json<Cart>();
    expect(cart).toMatchObject({ currency: 'EUR', itemCount: 3, totalMinor: 3_750 });
    expect(cart.lines[0]).toMatchObject({ productId: item.id, quantity: 3, unitPriceMinor: 1_250, lineTotalMinor: 3_750, available: 7 });
    expect(cart.lines[0]?.heldUntil).not.toBeNull();
    const after = await product(item.id);
    expect(after).toMatchObject({ stock: 10, available: 7 });
    expect(after.version).toBeGreaterThan(item.version);
    const { rows } = await pool.query<{ type: string; data: Product; actor: { type: string } }>(
      "SELECT type, data, actor FROM outbox WHERE data->>'id' = $1 ORDER BY id DESC LIMIT 1",
      [item.id],
    );
    expect(rows[0]).toMatchObject({ type: 'stock.changed', data: { available: 7, version: after.version }, actor: { type: 'guest' } });
  });

  it('never holds more than is available (409 naming the quantity), and changes nothing then', async () => {
    const item = await createProductVia(app, { stock: 4 });
    const first = await newShopper();
    const second = await newShopper();
    expect((await add(first, item.id, 3)).statusCode).toBe(200);
    const refused = await add(second, item.id, 2);
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ code: 'OUT_OF_STOCK', details: [{ field: 'body.quantity' }] });
    expect(await product(item.id)).toMatchObject({ stock: 4, available: 1 });
    const { rows } = await pool.query('SELECT 1 FROM cart_lines WHERE cart_id = $1', [second.cart.id]);
    expect(rows).toHaveLength(0);
  });

  it('sets and removes lines, giving held units back', async () => {
    const item = await createProductVia(app, { stock: 10 });
    const shopper = await newShopper();
    await add(shopper, item.id, 2);
    const raised = await app.inject({ method: 'PATCH', url: `/v1/carts/${shopper.cart.id}/lines/${item.id}`, headers: { cookie: shopper.cookie }, payload: { quantity: 6 } });
    expect(raised.json<Cart>().itemCount).toBe(6);
    expect((await product(item.id)).available).toBe(4);
    const lowered = await app.inject({ method: 'PATCH', url: `/v1/carts/${shopper.cart.id}/lines/${item.id}`, headers: { cookie: shopper.cookie }, payload: { quantity: 1 } });
    expect(lowered.json<Cart>().itemCount).toBe(1);
    expect((await product(item.id)).available).toBe(9);
    const removed = await app.inject({ method: 'DELETE', url: `/v1/carts/${shopper.cart.id}/lines/${item.id}`, headers: { cookie: shopper.cookie } });
    expect(removed.json<Cart>()).toMatchObject({ lines: [], currency: null, totalMinor: 0 });
    expect(await product(item.id)).toMatchObject({ stock: 10, available: 10 });
  });

  it('caps units per line (422 naming body.quantity) and refuses a product in another currency (409 naming body.productId)', async () => {
    const item = await createProductVia(app, { stock: 500 });
    const dollars = await createProductVia(app, { stock: 5, currency: 'USD' });
    const shopper = await newShopper();
    expect((await add(shopper, item.id, CART_MAX_LINE_QUANTITY)).statusCode).toBe(200);
    const over = await add(shopper, item.id, 1);
    expect(over.statusCode).toBe(422);
    expect(over.json()).toMatchObject({ details: [{ field: 'body.quantity' }] });
    const tooMany = await add(shopper, item.id, CART_MAX_LINE_QUANTITY + 1);
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json()).toMatchObject({ details: [{ field: 'body.quantity' }] });
    const foreign = await add(shopper, dollars.id, 1);
    expect(foreign.statusCode).toBe(409);
    expect(foreign.json()).toMatchObject({ code: 'CONFLICT', details: [{ field: 'body.productId' }] });
    expect(await product(dollars.id)).toMatchObject({ available: 5 });
  });

  it('lists only products with units available as in stock', async () => {
    const item = await createProductVia(app, { stock: 2, category: 'held-all' });
    const shopper = await newShopper();
    const list = async (inStock: boolean) => (await app.inject({ method: 'GET', url: `/v1/products?category=held-all&inStock=${inStock}` })).json<ProductPage>().items.map((p) => p.id);
    expect(await list(true)).toEqual([item.id]);
    await add(shopper, item.id, 2);
    expect(await list(true)).toEqual([]);
    expect(await list(false)).toEqual([item.id]);
  });

  it('refuses a staff stock edit below what carts hold (409 naming the field), and orders sell only what is available', async () => {
    const item = await createProductVia(app, { stock: 5 });
    const shopper = await newShopper();
    await add(shopper, item.id, 3);
    const below = await app.inject({ method: 'PATCH', url: `/v1/products/${item.id}`, headers: { ...AUTH, 'if-match': '*' }, payload: { stock: 2 } });
    expect(below.statusCode).toBe(409);
    expect(below.json()).toMatchObject({ code: 'CONFLICT', details: [{ field: 'body.stock' }] });
    const bulk = await app.inject({ method: 'POST', url: '/v1/products/bulk', headers: AUTH, payload: { items: [{ id: item.id, stock: 1 }] } });
    expect(bulk.statusCode).toBe(409);
    expect((await app.inject({ method: 'PATCH', url: `/v1/products/${item.id}`, headers: { ...AUTH, 'if-match': '*' }, payload: { stock: 3 } })).statusCode).toBe(200);
    expect(await product(item.id)).toMatchObject({ stock: 3, available: 0 });
    const order = await app.inject({ method: 'POST', url: '/v1/orders', payload: { items: [{ productId: item.id, quantity: 1 }] } });
    expect(order.statusCode).toBe(409);
    expect(order.json()).toMatchObject({ code: 'OUT_OF_STOCK' });
    expect(await product(item.id)).toMatchObject({ stock: 3, available: 0 });
  });

  it('lets a lapsed hold go once (sweeper), keeps the line without a hold, and holds it again on the next change', async () => {
    const item = await createProductVia(app, { stock: 6 });
    const shopper = await newShopper();
    await add(shopper, item.id, 4);
    await pool.query("UPDATE cart_lines SET hold_expires_at = now() - interval '1 second' WHERE cart_id = $1", [shopper.cart.id]);
    const { expireHolds } = await import('../src/services/carts/expire-holds.js');
    const actor = { type: 'system' as const, id: null, name: 'carts test' };
    const [one, two] = await Promise.all([expireHolds({ pool, actor, batchSize: 10 }), expireHolds({ pool, actor, batchSize: 10 })]);
    expect(one.released + two.released).toBe(1);
    // Released outside this app: its cache learns of it from the event.
    await waitUntil(async () => (await product(item.id)).available === 6, { what: 'the released units to show' });
    expect(await product(item.id)).toMatchObject({ stock: 6, available: 6 });
    const read = await app.inject({ method: 'GET', url: `/v1/carts/${shopper.cart.id}`, headers: { cookie: shopper.cookie } });
    expect(read.json<Cart>().lines[0]).toMatchObject({ quantity: 4, heldUntil: null });
    await app.inject({ method: 'PATCH', url: `/v1/carts/${shopper.cart.id}/lines/${item.id}`, headers: { cookie: shopper.cookie }, payload: { quantity: 5 } });
    expect(await product(item.id)).toMatchObject({ available: 1 });
  });
});
