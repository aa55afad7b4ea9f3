import { TEST_CARDS, type OrderPlaced, type OrderStatus } from '@livecart/schemas';
import { waitUntil } from '@livecart/local-services/testing';
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { expect } from 'vitest';
import { AUTH, createProductVia, orderAuth, placeOrderVia } from './helpers.js';

/** An order's status as stored. */
export async function statusOf(pool: pg.Pool, orderId: string): Promise<OrderStatus | undefined> {
  const { rows } = await pool.query<{ status: OrderStatus }>('SELECT status FROM orders WHERE id = $1', [orderId]);
  return rows[0]?.status;
}

export async function waitForStatus(pool: pg.Pool, orderId: string, status: OrderStatus, timeoutMs = 10_000): Promise<void> {
  await waitUntil(async () => (await statusOf(pool, orderId)) === status, { what: `order ${orderId} to be ${status}`, timeoutMs });
}

/** What an order's history holds: its events (order.* on its topic) and audit rows, by type/action. */
export async function historyOf(pool: pg.Pool, orderId: string): Promise<{ events: string[]; audit: string[] }> {
  const { rows: events } = await pool.query<{ type: string }>('SELECT type FROM outbox WHERE topics ? $1 ORDER BY id', [`order:${orderId}`]);
  const { rows: audit } = await pool.query<{ action: string }>("SELECT action FROM audit_log WHERE subject_type = 'order' AND subject_id = $1 ORDER BY id", [orderId]);
  return { events: events.map((row) => row.type), audit: audit.map((row) => row.action) };
}

/**
 * Everything a refused request must leave as it was: the order's row, its payments, the webhook deliveries,
 * and every outbox and audit row (by count, and the newest id).
 */
export async function orderSnapshot(pool: pg.Pool, orderId: string): Promise<unknown> {
  const one = async (sql: string, params: unknown[] = []) => (await pool.query(sql, params)).rows;
  return {
    order: await one('SELECT to_jsonb(o) AS row FROM orders o WHERE id = $1', [orderId]),
    payments: await one('SELECT to_jsonb(p) AS row FROM payments p WHERE order_id = $1 ORDER BY id', [orderId]),
    stock: await one('SELECT p.id, p.stock, p.version FROM products p JOIN order_items i ON i.product_id = p.id WHERE i.order_id = $1 ORDER BY p.id', [orderId]),
    deliveries: await one('SELECT count(*)::int AS n FROM payment_webhook_deliveries'),
    outbox: await one('SELECT count(*)::int AS n, max(id)::text AS last FROM outbox'),
    audit: await one('SELECT count(*)::int AS n, max(id)::text AS last FROM audit_log'),
  };
}

/** A fresh order of one product (stock 10, 2 taken), as a shopper places it. */
export async function freshOrder(app: FastifyInstance): Promise<OrderPlaced> {
  const product = await createProductVia(app, { stock: 10, priceMinor: 1_250 });
  return placeOrderVia(app, [{ productId: product.id, quantity: 2 }]);
}

/** Pays an order with the success card and waits for the provider's webhook to make it paid. */
export async function payAndConfirm(app: FastifyInstance, pool: pg.Pool, order: OrderPlaced): Promise<void> {
  const paid = await app.inject({ method: 'POST', url: `/v1/orders/${order.id}/payment`, headers: orderAuth(order.accessToken), payload: { cardNumber: TEST_CARDS.success } });
  expect(paid.statusCode, paid.body).toBe(202);
  await waitForStatus(pool, order.id, 'paid');
}

/**
 * An order brought to `status` through the API (expiry: its deadline moved into the past, then the sweep
 * of `app`, which must sweep often, expires it).
 */
export async function orderIn(app: FastifyInstance, pool: pg.Pool, status: OrderStatus): Promise<OrderPlaced> {
  const order = await freshOrder(app);
  if (status === 'paid' || status === 'fulfilled') await payAndConfirm(app, pool, order);
  if (status === 'fulfilled') expect((await app.inject({ method: 'POST', url: `/v1/orders/${order.id}/fulfil`, headers: AUTH })).statusCode).toBe(200);
  if (status === 'cancelled') expect((await app.inject({ method: 'POST', url: `/v1/orders/${order.id}/cancel`, headers: orderAuth(order.accessToken) })).statusCode).toBe(200);
  if (status === 'expired') {
    await pool.query("UPDATE orders SET payment_due_at = now() - interval '1 second' WHERE id = $1", [order.id]);
    await waitForStatus(pool, order.id, 'expired');
  }
  expect(await statusOf(pool, order.id)).toBe(status);
  return order;
}
