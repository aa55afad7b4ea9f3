import { nextOrderStatus, ORDER_ACTIONS, ORDER_STATUSES, TEST_CARDS, type ErrorEnvelope, type OrderAction, type OrderPlaced, type OrderStatus } from '@livecart/schemas';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTransaction } from '../src/db/transaction.js';
import { DomainError } from '../src/domain/errors.js';
import { transitionOrder } from '../src/services/orders/transition-order.js';
import { AUTH, createTestContext, orderAuth, testPool, type TestContext } from './helpers.js';
import { historyOf, orderIn, orderSnapshot, statusOf } from './order-fixtures.js';

/**
 * The state machine end to end: from each status, each action, through the route that carries it out
 * (expiry has none: the sweep calls the service, as here). Allowed ones move the order and record exactly
 * one order.<status> event and one audit row; refused ones answer 409 INVALID_TRANSITION and change nothing.
 */
let ctx: TestContext;
let app: FastifyInstance;
let pool: pg.Pool;

beforeAll(async () => {
  ctx = await createTestContext('order-states');
  app = await ctx.app({ ORDER_EXPIRY_SWEEP_MS: '100' });
  // Listening: the test provider's confirmations come in over HTTP, to this address.
  await app.listen({ host: '127.0.0.1', port: 0 });
  pool = testPool(ctx.databaseUrl);
});

afterAll(async () => {
  await pool?.end();
  await ctx?.close();
});

const SYSTEM = { type: 'system', id: null, name: 'state machine test' } as const;

/** Carries out `action` on an order the way the API does; the answer's status and envelope. */
async function act(order: OrderPlaced, action: OrderAction): Promise<{ statusCode: number; body: ErrorEnvelope | undefined }> {
  const answer = (response: LightMyRequestResponse) => ({ statusCode: response.statusCode, body: response.statusCode >= 400 ? response.json<ErrorEnvelope>() : undefined });
  switch (action) {
    case 'confirm_payment':
      return answer(await app.inject({ method: 'POST', url: `/v1/orders/${order.id}/payment`, headers: orderAuth(order.accessToken), payload: { cardNumber: TEST_CARDS.success } }));
    case 'fulfil':
      return answer(await app.inject({ method: 'POST', url: `/v1/orders/${order.id}/fulfil`, headers: AUTH }));
    case 'cancel':
      return answer(await app.inject({ method: 'POST', url: `/v1/orders/${order.id}/cancel`, headers: orderAuth(order.accessToken) }));
    case 'expire':
      try {
        await withTransaction(pool, (client) => transitionOrder({ client, orderId: order.id, action, actor: SYSTEM }));
        return { statusCode: 200, body: undefined };
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        return { statusCode: error.statusCode, body: { statusCode: error.statusCode, error: '', code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) } };
      }
  }
}

const pairs = ORDER_STATUSES.flatMap((status) => ORDER_ACTIONS.map((action) => ({ status, action, next: nextOrderStatus(status, action) })));
const refused = pairs.filter((pair) => pair.next === null);
const allowed = pairs.filter((pair): pair is { status: OrderStatus; action: OrderAction; next: OrderStatus } => pair.next !== null);

describe('the order state machine', () => {
  it('enumerates every status and action: 5 allowed, the rest refused', () => {
    expect(allowed).toHaveLength(5);
    expect(refused).toHaveLength(ORDER_STATUSES.length * ORDER_ACTIONS.length - 5);
  });

  it.each(refused)('refuses $action from $status: 409 INVALID_TRANSITION naming both statuses, nothing changed', async ({ status, action }) => {
    const order = await orderIn(app, pool, status);
    const before = await orderSnapshot(pool, order.id);
    const { statusCode, body } = await act(order, action);
    expect(statusCode).toBe(409);
    expect(body?.code).toBe('INVALID_TRANSITION');
    expect(body?.details?.[0]).toEqual({ field: 'status', message: status });
    expect(body?.details?.[1]?.field).toBe('attemptedStatus');
    expect(await orderSnapshot(pool, order.id)).toEqual(before);
  });

  it.each(allowed)('allows $action from $status to $next: one order event, one audit row', async ({ status, action, next }) => {
    const order = await orderIn(app, pool, status);
    const before = await historyOf(pool, order.id);
    const { statusCode } = await act(order, action);
    expect(statusCode).toBeLessThan(300);
    if (action === 'confirm_payment') {
      // The route answers 202; the provider's webhook makes it paid.
      await expect.poll(() => statusOf(pool, order.id), { timeout: 10_000 }).toBe('paid');
    }
    expect(await statusOf(pool, order.id)).toBe(next);
    const after = await historyOf(pool, order.id);
    expect(after.events).toEqual([...before.events, `order.${next}`]);
    expect(after.audit).toEqual([...before.audit, `order.${next}`]);
  });

  it('has every event it recorded published by the relay, none set aside as invalid', async () => {
    const waiting = async () => (await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL AND rejected_at IS NULL')).rows[0]?.n;
    await expect.poll(waiting, { timeout: 10_000 }).toBe(0);
    expect((await pool.query('SELECT type, rejection FROM outbox WHERE rejected_at IS NOT NULL')).rows).toEqual([]);
    const { rows } = await pool.query<{ type: string }>("SELECT DISTINCT type FROM outbox WHERE type LIKE 'order.%' ORDER BY 1");
    expect(rows.map((row) => row.type)).toEqual(ORDER_STATUSES.map((status) => `order.${status}`).sort());
  });
});
