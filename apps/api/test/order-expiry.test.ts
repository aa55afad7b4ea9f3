import { requireBuilds, startBuiltApp, waitUntil, type BuiltApp } from '@livecart/local-services/testing';
import type { OrderPlaced, Product } from '@livecart/schemas';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUTH, createTestContext, productInput, testPool, type TestContext } from './helpers.js';

/**
 * Two api processes on one database, both sweeping for unpaid orders every 50 ms: every order expires
 * once its deadline passes, and its stock comes back exactly once, whichever instance (or both at once)
 * finds it.
 */
const TTL_MS = 1_000;
const ORDERS = 40;
let ctx: TestContext;
let pool: pg.Pool;
let a: BuiltApp;
let b: BuiltApp;

beforeAll(async () => {
  requireBuilds(['api']);
  ctx = await createTestContext('order-expiry');
  pool = testPool(ctx.databaseUrl);
  const env = {
    DATABASE_URL: ctx.databaseUrl,
    REDIS_URL: ctx.redisUrl,
    REDIS_PREFIX: ctx.prefix,
    RATE_LIMIT_ENABLED: 'false',
    ORDER_PAYMENT_TTL_MS: String(TTL_MS),
    ORDER_EXPIRY_SWEEP_MS: '50',
    // Small batches: the two instances take turns on the same backlog instead of one draining it.
    ORDER_EXPIRY_BATCH: '3',
  };
  [a, b] = await Promise.all([startBuiltApp('api', { name: 'api-a', env }), startBuiltApp('api', { name: 'api-b', env })]);
});

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await pool?.end();
  await ctx?.close();
});

const json = { 'content-type': 'application/json' };

async function createProduct(stock: number): Promise<Product> {
  const answer = await fetch(`${a.url}/v1/products`, { method: 'POST', headers: { ...AUTH, ...json }, body: JSON.stringify(productInput({ stock })) });
  expect(answer.status).toBe(201);
  return (await answer.json()) as Product;
}

async function placeOrder(api: BuiltApp, items: { productId: string; quantity: number }[]): Promise<OrderPlaced> {
  const answer = await fetch(`${api.url}/v1/orders`, { method: 'POST', headers: json, body: JSON.stringify({ items }) });
  expect(answer.status).toBe(201);
  return (await answer.json()) as OrderPlaced;
}

const stockOf = async (ids: string[]) => (await pool.query<{ id: string; stock: number }>('SELECT id, stock FROM products WHERE id = ANY($1) ORDER BY id', [ids])).rows;

describe('order expiry', () => {
  it('expires every unpaid order after the TTL and gives its stock back exactly once, with two instances sweeping', async () => {
    const products = await Promise.all([createProduct(500), createProduct(500), createProduct(500)]);
    const ids = products.map((product) => product.id);
    const initial = await stockOf(ids);
    const orders = await Promise.all(
      Array.from({ length: ORDERS }, (_, i) =>
        placeOrder(i % 2 === 0 ? a : b, products.slice(0, 1 + (i % 3)).map((product, line) => ({ productId: product.id, quantity: 1 + ((i + line) % 4) }))),
      ),
    );
    const lines = orders.reduce((sum, order) => sum + order.items.length, 0);
    const taken = await stockOf(ids);
    expect(taken).not.toEqual(initial);

    await waitUntil(
      async () => {
        const { rows } = await pool.query<{ n: number }>("SELECT count(*)::int AS n FROM orders WHERE status = 'expired' AND id = ANY($1)", [orders.map((o) => o.id)]);
        return rows[0]?.n === ORDERS;
      },
      { what: `${ORDERS} orders to expire`, timeoutMs: 20_000 },
    );
    // Each one at its deadline (the TTL after it was placed), not before.
    const { rows: early } = await pool.query(
      `SELECT id FROM orders WHERE id = ANY($1) AND (payment_due_at - created_at <> make_interval(secs => $2::double precision / 1000) OR updated_at < payment_due_at)`,
      [orders.map((o) => o.id), TTL_MS],
    );
    expect(early).toEqual([]);
    // Let any sweep still running finish, then check nothing came back twice.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await stockOf(ids)).toEqual(initial);

    const { rows: events } = await pool.query<{ type: string; n: number }>(
      `SELECT o.type, count(*)::int AS n FROM outbox o
       JOIN audit_log l ON l.outbox_id = o.id
       WHERE l.action = 'order.expired' GROUP BY o.type ORDER BY o.type`,
    );
    expect(events).toEqual([
      { type: 'order.expired', n: ORDERS },
      { type: 'stock.changed', n: lines },
    ]);
    const { rows: actors } = await pool.query<{ actor_name: string }>("SELECT DISTINCT actor_name FROM audit_log WHERE action = 'order.expired'");
    expect(actors).toEqual([{ actor_name: 'order expiry' }]);
  });
});
