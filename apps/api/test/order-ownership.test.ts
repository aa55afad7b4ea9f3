import { TEST_CARDS, type ApiKeyCreated, type ErrorEnvelope, type OrderPlaced, type StaffRole } from '@livecart/schemas';
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrderLink, parseLinkKeys } from '../src/auth/order-link.js';
import { createStaffUser } from '../src/services/staff/create-staff-user.js';
import { AUTH, createTestContext, ORDER_LINK_KEYS, orderAuth, placeOrderVia, createProductVia, testPool, type TestContext } from './helpers.js';
import { freshOrder, orderSnapshot, statusOf } from './order-fixtures.js';

/**
 * Who may read, pay and cancel an order: its link token's holder and staff with the route's role or scope.
 * Everyone else gets the 404 of an order that does not exist, and nothing changes.
 */
const PASSWORD = 'compass-lantern-47-meadow';
let ctx: TestContext;
let app: FastifyInstance;
let pool: pg.Pool;
let users = 0;

beforeAll(async () => {
  ctx = await createTestContext('order-ownership');
  app = await ctx.app({ RATE_LIMIT_ORDER_MAX: '100000' });
  pool = testPool(ctx.databaseUrl);
});

afterAll(async () => {
  await pool?.end();
  await ctx?.close();
});

async function session(role: StaffRole): Promise<Record<string, string>> {
  users++;
  const user = await createStaffUser({ pool, email: `owner-${users}@shop.test`, password: PASSWORD, role, actor: { type: 'system', id: null, name: 'ownership test' } });
  const answer = await app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: user.email, password: PASSWORD } });
  return { cookie: String(answer.headers['set-cookie']).split(';')[0]! };
}

async function key(scopes: string[]): Promise<Record<string, string>> {
  const answer = await app.inject({ method: 'POST', url: '/v1/api-keys', headers: await session('admin'), payload: { name: `key ${scopes.join(' ')}`, scopes } });
  return { authorization: `Bearer ${answer.json<ApiKeyCreated>().key}` };
}

/** A guest shopper's session cookie (its first cart action starts it): a shopper, but not this order's. */
async function shopperSession(): Promise<Record<string, string>> {
  const answer = await app.inject({ method: 'POST', url: '/v1/carts' });
  expect(answer.statusCode, answer.body).toBe(201);
  return { cookie: String(answer.headers['set-cookie']).split(';')[0]! };
}

type Route = 'read' | 'pay' | 'cancel';
const ROUTES: Route[] = ['read', 'pay', 'cancel'];

function call(route: Route, order: OrderPlaced, headers: Record<string, string>, query = '') {
  if (route === 'read') return app.inject({ url: `/v1/orders/${order.id}${query}`, headers });
  if (route === 'pay') return app.inject({ method: 'POST', url: `/v1/orders/${order.id}/payment${query}`, headers, payload: { cardNumber: TEST_CARDS.decline } });
  return app.inject({ method: 'POST', url: `/v1/orders/${order.id}/cancel${query}`, headers });
}

describe('order ownership', () => {
  it('answers 404 on every order route to a caller without the order\'s token, and changes nothing', async () => {
    const order = await freshOrder(app);
    const other = await freshOrder(app);
    const keys = parseLinkKeys(ORDER_LINK_KEYS);
    const expired = createOrderLink({ keys, ttlS: 60, now: () => Date.now() - 61_000 }).mint(order.id).token;
    const foreignKey = createOrderLink({ keys: parseLinkKeys('elsewhere:a-different-order-link-key-0123456789ab'), ttlS: 60 }).mint(order.id).token;
    const [, keyId, , expires, signature] = order.accessToken.split('.');
    const tampered = ['ol1', keyId, other.id, expires, signature].join('.');
    const strangers: [string, Record<string, string>, string?][] = [
      ['no token', {}],
      ['garbage', orderAuth('not-a-token')],
      ['an expired token', orderAuth(expired)],
      ['another order\'s token', orderAuth(other.accessToken)],
      ['another order\'s token in the link', {}, `?token=${encodeURIComponent(other.accessToken)}`],
      ['a token signed with a key not in the ring', orderAuth(foreignKey)],
      ['a token whose order id was changed', orderAuth(tampered)],
      ['a token as a bearer key', { authorization: `Bearer ${order.accessToken}` }],
      ['a viewer session (reads only) on every route', await session('viewer')],
      ['a key without order scopes', await key(['catalog:write'])],
      ['a shopper (guest) session', await shopperSession()],
    ];
    const before = await orderSnapshot(pool, order.id);
    for (const [who, headers, query] of strangers) {
      for (const route of ROUTES) {
        if (who.startsWith('a viewer') && route === 'read') continue;
        const answer = await call(route, order, headers, query);
        expect(answer.statusCode, `${who}, ${route}: ${answer.body}`).toBe(404);
        expect(answer.json<ErrorEnvelope>(), `${who}, ${route}`).toMatchObject({ code: 'NOT_FOUND', message: `order ${order.id} does not exist` });
      }
    }
    // The same answer as for an order that does not exist at all.
    const missing = await app.inject({ url: '/v1/orders/3f0c1b9e-1111-4abc-8def-0123456789ab', headers: AUTH });
    expect(missing.json<ErrorEnvelope>().message).toBe('order 3f0c1b9e-1111-4abc-8def-0123456789ab does not exist');
    expect(await orderSnapshot(pool, order.id)).toEqual(before);
    // ...nor a stranger's pay or cancel attempt on the other order.
    expect(await statusOf(pool, other.id)).toBe('pending_payment');
  });

  it('lets the token\'s holder read (header or link), pay and cancel; viewers and orders:read keys read; editors and orders:write keys cancel', async () => {
    const order = await freshOrder(app);
    expect((await call('read', order, orderAuth(order.accessToken))).statusCode).toBe(200);
    expect((await call('read', order, {}, `?token=${encodeURIComponent(order.accessToken)}`)).statusCode).toBe(200);
    expect((await call('read', order, await session('viewer'))).statusCode).toBe(200);
    expect((await call('read', order, await key(['orders:read']))).statusCode).toBe(200);
    expect((await call('pay', order, orderAuth(order.accessToken))).statusCode).toBe(402);

    const cancelled = await call('cancel', order, await key(['orders:write']));
    expect(cancelled.statusCode).toBe(200);
    const second = await freshOrder(app);
    expect((await call('cancel', second, await session('editor'))).statusCode).toBe(200);
    const third = await freshOrder(app);
    expect((await call('cancel', third, orderAuth(third.accessToken))).statusCode).toBe(200);
    const { rows } = await pool.query<{ actor_type: string }>("SELECT actor_type FROM audit_log WHERE action = 'order.cancelled' AND subject_type = 'order' AND subject_id = ANY($1) ORDER BY id", [[order.id, second.id, third.id]]);
    expect(rows.map((row) => row.actor_type)).toEqual(['api_key', 'user', 'guest']);
  });

  it('keeps accepting links signed with a key rotated out of first place', async () => {
    const product = await createProductVia(app, { stock: 5 });
    const [current] = parseLinkKeys(ORDER_LINK_KEYS);
    const rotated = await ctx.app({ ORDER_LINK_KEYS: `next:a-newer-order-link-key-0123456789abcdefg,${current!.id}:${current!.secret}` });
    const old = await placeOrderVia(app, [{ productId: product.id, quantity: 1 }]);
    expect((await rotated.inject({ url: `/v1/orders/${old.id}`, headers: orderAuth(old.accessToken) })).statusCode).toBe(200);
    const fresh = await placeOrderVia(rotated, [{ productId: product.id, quantity: 1 }]);
    expect(fresh.accessToken.split('.')[1]).toBe('next');
    // An instance that no longer holds the old key refuses its links.
    const dropped = await ctx.app({ ORDER_LINK_KEYS: 'next:a-newer-order-link-key-0123456789abcdefg' });
    expect((await dropped.inject({ url: `/v1/orders/${old.id}`, headers: orderAuth(old.accessToken) })).statusCode).toBe(404);
  });
});

describe('order rate limit', () => {
  it('refuses order writes past RATE_LIMIT_ORDER_MAX per address with 429 and Retry-After, other writes unaffected', async () => {
    const limited = await ctx.app({ RATE_LIMIT_ORDER_MAX: '3' });
    const product = await createProductVia(limited, { stock: 50 });
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await limited.inject({ method: 'POST', url: '/v1/orders', payload: { items: [{ productId: product.id, quantity: 1 }] } }));
    expect(answers.map((answer) => answer.statusCode)).toEqual([201, 201, 201, 429]);
    expect(answers[3]!.json<ErrorEnvelope>().code).toBe('RATE_LIMITED');
    expect(Number(answers[3]!.headers['retry-after'])).toBeGreaterThan(0);
    expect((await createProductVia(limited)).id).toBeDefined();
  });
});
