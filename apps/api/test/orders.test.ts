import type { ErrorEnvelope, Order, OrderPlaced, Product } from '@livecart/schemas';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUTH, createProductVia, createTestContext, orderAuth, testPool, type TestContext } from './helpers.js';

let ctx: TestContext;
let app: FastifyInstance;

beforeAll(async () => {
  ctx = await createTestContext('orders');
  app = await ctx.app({ DATABASE_POOL_MAX: '10' });
});
afterAll(() => ctx.close());

const order = (items: { productId: string; quantity: number }[], headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url: '/v1/orders', headers: { ...AUTH, ...headers }, payload: { items } });

const stockOf = async (id: string) => {
  const pool = testPool(ctx.databaseUrl);
  try {
    const { rows } = await pool.query<{ stock: number }>('SELECT stock FROM products WHERE id = $1', [id]);
    return rows[0]?.stock;
  } finally {
    await pool.end();
  }
};

/** The order as GET answers it: the creation answer without its link token. */
const withoutToken = ({ accessToken: _token, accessTokenExpiresAt: _expires, ...order }: OrderPlaced): Order => order;

describe('POST /v1/orders', () => {
  it('places an order waiting for its payment: 201 + Location, stock decremented, totals in minor units, a link token once', async () => {
    const a = await createProductVia(app, { priceMinor: 250, stock: 5 });
    const b = await createProductVia(app, { priceMinor: 1_000, stock: 1 });
    const response = await order([
      { productId: a.id, quantity: 3 },
      { productId: b.id, quantity: 1 },
    ]);
    expect(response.statusCode).toBe(201);
    const placed = response.json<OrderPlaced>();
    expect(response.headers.location).toBe(`/v1/orders/${placed.id}`);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(placed).toMatchObject({ status: 'pending_payment', currency: 'EUR', totalMinor: 1_750, accessToken: expect.stringMatching(/^ol1\./) });
    expect(Date.parse(placed.paymentDueAt!) - Date.parse(placed.createdAt)).toBe(15 * 60_000);
    expect(placed.items).toEqual([
      { productId: a.id, sku: a.sku, name: a.name, quantity: 3, unitPriceMinor: 250, lineTotalMinor: 750 },
      { productId: b.id, sku: b.sku, name: b.name, quantity: 1, unitPriceMinor: 1_000, lineTotalMinor: 1_000 },
    ]);
    expect(await stockOf(a.id)).toBe(2);
    expect(await stockOf(b.id)).toBe(0);

    const fetched = await app.inject({ url: `/v1/orders/${placed.id}`, headers: orderAuth(placed.accessToken) });
    expect(fetched.statusCode).toBe(200);
    expect(fetched.json()).toEqual(withoutToken(placed));
    expect(fetched.headers['cache-control']).toBe('private, no-store');
    expect(fetched.headers['x-event-seq']).toMatch(/^\d+$/);
  });

  it('refuses the whole order with 409 OUT_OF_STOCK when one line lacks stock', async () => {
    const a = await createProductVia(app, { stock: 5 });
    const b = await createProductVia(app, { stock: 1 });
    const response = await order([
      { productId: a.id, quantity: 1 },
      { productId: b.id, quantity: 2 },
    ]);
    expect(response.statusCode).toBe(409);
    const body = response.json<ErrorEnvelope>();
    expect(body.code).toBe('OUT_OF_STOCK');
    expect(body.details).toEqual([{ field: 'body.items[1].quantity', message: 'only 1 left' }]);
    expect(await stockOf(a.id)).toBe(5);
  });

  it('answers bad input with a 4xx envelope naming the field', async () => {
    const a = await createProductVia(app);
    const cases: [unknown, number, string][] = [
      [{ items: [{ productId: a.id, quantity: 0 }] }, 400, 'body.items[0].quantity'],
      [{ items: [{ productId: a.id, quantity: '1' }] }, 400, 'body.items[0].quantity'],
      [{ items: [{ productId: 'nope', quantity: 1 }] }, 400, 'body.items[0].productId'],
      [{ items: [] }, 400, 'body.items'],
      [{ items: [{ productId: a.id, quantity: 1, price: 1 }] }, 400, 'body.items[0].price'],
      [{ items: [{ productId: a.id, quantity: 1 }, { productId: a.id, quantity: 1 }] }, 422, 'body.items[1].productId'],
      [{ items: [{ productId: '3f0c1b9e-1111-4abc-8def-0123456789ab', quantity: 1 }] }, 422, 'body.items[0].productId'],
    ];
    for (const [payload, status, field] of cases) {
      const response = await app.inject({ method: 'POST', url: '/v1/orders', headers: AUTH, payload: payload as object });
      expect(response.statusCode, JSON.stringify(payload)).toBe(status);
      expect(response.json<ErrorEnvelope>().details?.[0]?.field).toBe(field);
    }
    const badKey = await order([{ productId: a.id, quantity: 1 }], { 'idempotency-key': 'short' });
    expect(badKey.statusCode).toBe(400);
    expect(badKey.json<ErrorEnvelope>().details?.[0]?.field).toBe('headers.idempotency-key');
    expect((await app.inject({ url: '/v1/orders/not-a-uuid' })).statusCode).toBe(400);
    expect((await app.inject({ url: '/v1/orders/3f0c1b9e-1111-4abc-8def-0123456789ab' })).statusCode).toBe(404);
  });

  it('takes orders from shoppers without the admin token', async () => {
    const product = await createProductVia(app, { stock: 3 });
    const response = await app.inject({
      method: 'POST',
      url: '/v1/orders',
      payload: { items: [{ productId: product.id, quantity: 1 }] },
    });
    expect(response.statusCode).toBe(201);
    expect(response.json<{ items: { quantity: number }[] }>().items[0]?.quantity).toBe(1);
  });

  it('never oversells: 200 concurrent orders against a stock of 10 sell exactly 10', async () => {
    const product = await createProductVia(app, { stock: 10 });
    const responses = await Promise.all(Array.from({ length: 200 }, () => order([{ productId: product.id, quantity: 1 }])));
    const statuses = responses.map((r) => r.statusCode);
    expect(statuses.filter((s) => s === 201)).toHaveLength(10);
    // Every other one is refused and changes nothing: sold out, or (on a machine too busy for 200 waits on one
    // row lock within the pool's timeouts) unavailable, to be retried.
    for (const refused of responses.filter((r) => r.statusCode !== 201)) {
      expect([409, 503]).toContain(refused.statusCode);
      expect(refused.json<ErrorEnvelope>().code).toBe(refused.statusCode === 409 ? 'OUT_OF_STOCK' : 'SERVICE_UNAVAILABLE');
    }
    expect(await stockOf(product.id)).toBe(0);
    const pool = testPool(ctx.databaseUrl);
    const { rows } = await pool.query<{ sold: number }>('SELECT coalesce(sum(quantity), 0)::int AS sold FROM order_items WHERE product_id = $1', [product.id]);
    await pool.end();
    expect(rows[0]?.sold).toBe(10);
  });
});

describe('POST /v1/orders from a shopper session', () => {
  const guest = async () => String((await app.inject({ method: 'POST', url: '/v1/carts' })).headers['set-cookie']).split(';')[0]!;

  it('belongs to that session: readable with its cookie alone, 404 to another session; its key is its own', async () => {
    const product = await createProductVia(app, { stock: 5 });
    const [mine, theirs] = [await guest(), await guest()];
    const headers = { cookie: mine, 'idempotency-key': `session-${product.id}` };
    const placed = await order([{ productId: product.id, quantity: 1 }], headers);
    expect(placed.statusCode, placed.body).toBe(201);
    const id = placed.json<OrderPlaced>().id;
    expect((await app.inject({ url: `/v1/orders/${id}`, headers: { cookie: mine } })).statusCode).toBe(200);
    expect((await app.inject({ url: `/v1/orders/${id}`, headers: { cookie: theirs } })).statusCode).toBe(404);
    expect((await app.inject({ url: `/v1/orders/${id}` })).statusCode).toBe(404);
    // The same key and body from another session is not a retry of this order: it never answers its link.
    const elsewhere = await order([{ productId: product.id, quantity: 1 }], { ...headers, cookie: theirs });
    expect(elsewhere.statusCode, elsewhere.body).toBe(422);
    expect(elsewhere.body).not.toContain(id);
    expect(await stockOf(product.id)).toBe(4);
  });
});

describe('Idempotency-Key', () => {
  it('returns the first result to a retry, with the same status, and never makes a second order', async () => {
    const product = await createProductVia(app, { stock: 5 });
    const headers = { 'idempotency-key': `retry-${product.id}` };
    const first = await order([{ productId: product.id, quantity: 2 }], headers);
    // The retry comes in a later second than the first answer: its link token must still be the same.
    await new Promise((resolve) => setTimeout(resolve, 1_005 - (Date.now() % 1_000)));
    const retry = await order([{ productId: product.id, quantity: 2 }], headers);
    expect(first.statusCode).toBe(201);
    expect(retry.statusCode).toBe(201);
    expect(retry.json()).toEqual(first.json());
    expect(retry.headers['idempotent-replayed']).toBe('true');
    // The retry's token opens the same order: the caller that lost the first answer is not locked out.
    const reopened = await app.inject({ url: `/v1/orders/${first.json<Order>().id}`, headers: orderAuth(retry.json<OrderPlaced>().accessToken) });
    expect(reopened.statusCode).toBe(200);
    expect(await stockOf(product.id)).toBe(3);
  });

  it('refuses the same key with a different body: 422 IDEMPOTENCY_KEY_REUSED', async () => {
    const product = await createProductVia(app, { stock: 5 });
    const headers = { 'idempotency-key': `reuse-${product.id}` };
    await order([{ productId: product.id, quantity: 1 }], headers);
    const other = await order([{ productId: product.id, quantity: 2 }], headers);
    expect(other.statusCode).toBe(422);
    expect(other.json<ErrorEnvelope>().code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('replays a refusal too: a retried out-of-stock order stays 409 even after a restock', async () => {
    const product = await createProductVia(app, { stock: 1 });
    const headers = { 'idempotency-key': `refused-${product.id}` };
    const first = await order([{ productId: product.id, quantity: 2 }], headers);
    expect(first.statusCode).toBe(409);
    await app.inject({ method: 'PATCH', url: `/v1/products/${product.id}`, headers: { ...AUTH, 'if-match': '*' }, payload: { stock: 50 } });
    const retry = await order([{ productId: product.id, quantity: 2 }], headers);
    expect(retry.statusCode).toBe(409);
    expect(retry.json()).toEqual(first.json());
    expect(await stockOf(product.id)).toBe(50);
  });

  it('makes one order out of 20 concurrent requests with one key', async () => {
    const product = await createProductVia(app, { stock: 100 });
    const headers = { 'idempotency-key': `concurrent-${product.id}` };
    const responses = await Promise.all(Array.from({ length: 20 }, () => order([{ productId: product.id, quantity: 3 }], headers)));
    expect(responses.every((r) => r.statusCode === 201)).toBe(true);
    expect(new Set(responses.map((r) => r.json<Order>().id)).size).toBe(1);
    expect(await stockOf(product.id)).toBe(97);
    const replayed = (await app.inject({ url: `/v1/products/${product.id}` })).json<Product>();
    expect(replayed.stock).toBe(97);
  });
});
