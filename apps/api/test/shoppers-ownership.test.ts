import { SHOPPER_SESSION_COOKIE, type Actor, type Cart, type Product, type ShopperSession } from '@livecart/schemas';
import { waitUntil } from '@livecart/local-services/testing';
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isShopperAccess } from '../src/auth/access.js';
import { expireHolds } from '../src/services/carts/expire-holds.js';
import { createProductVia, createTestContext, testPool, type TestContext } from './helpers.js';

/**
 * Carts are their owner's alone: every cart route, enumerated from the router, answers 404 to a foreign
 * guest, another customer, a forged cookie and no session, and changes no row. A shopper session reaches no
 * staff route. Signing in merges the guest cart into the customer's.
 */

const PASSWORD = 'meadow-lantern-47-cobalt';
const SWEEPER: Actor = { type: 'system', id: null, name: 'ownership test' };
/** Columns written whatever the requests do: the relay's lease, a session's last use. */
const BOOKKEEPING_COLUMNS: Record<string, string[]> = { outbox_sequence: ['lease_expires_at'], shopper_sessions: ['last_seen_at'], staff_sessions: ['last_seen_at'], api_keys: ['last_used_at'] };

let ctx: TestContext;
let pool: pg.Pool;
let app: FastifyInstance;
let customers = 0;

beforeAll(async () => {
  ctx = await createTestContext('shoppers');
  pool = testPool(ctx.databaseUrl);
  app = await ctx.app({ CART_SWEEP_INTERVAL_MS: '3600000' });
});

afterAll(async () => {
  await pool?.end();
  await ctx?.close();
});

const cookieOf = (answer: { headers: Record<string, unknown> }) => String(answer.headers['set-cookie']).split(';')[0]!;

async function guest(): Promise<{ cookie: string; cart: Cart }> {
  const answer = await app.inject({ method: 'POST', url: '/v1/carts' });
  expect(answer.statusCode, answer.body).toBe(201);
  return { cookie: cookieOf(answer), cart: answer.json<Cart>() };
}

async function customer(cookie?: string): Promise<{ cookie: string; email: string; session: ShopperSession }> {
  customers++;
  const email = `shopper-${customers}@shop.test`;
  const answer = await app.inject({ method: 'POST', url: '/v1/customers', headers: cookie === undefined ? {} : { cookie }, payload: { email, password: PASSWORD } });
  expect(answer.statusCode, answer.body).toBe(201);
  return { cookie: cookieOf(answer), email, session: answer.json<ShopperSession>() };
}

async function openCart(cookie: string): Promise<Cart> {
  const answer = await app.inject({ method: 'POST', url: '/v1/carts', headers: { cookie } });
  expect(answer.statusCode).toBeLessThan(300);
  return answer.json<Cart>();
}

async function add(cookie: string, cartId: string, productId: string, quantity: number): Promise<Cart> {
  const answer = await app.inject({ method: 'POST', url: `/v1/carts/${cartId}/lines`, headers: { cookie }, payload: { productId, quantity } });
  expect(answer.statusCode, answer.body).toBe(200);
  return answer.json<Cart>();
}

/** Every row of every table, in a stable order, bookkeeping columns left out. */
async function snapshot(): Promise<Record<string, string[]>> {
  const { rows: tables } = await pool.query<{ name: string }>("SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1");
  const dump: Record<string, string[]> = {};
  for (const { name } of tables) {
    const { rows } = await pool.query<{ row: string }>(`SELECT (to_jsonb(t) - $1::text[])::text AS row FROM "${name}" t ORDER BY 1`, [BOOKKEEPING_COLUMNS[name] ?? []]);
    dump[name] = rows.map((row) => row.row);
  }
  return dump;
}

const available = async (id: string) => (await app.inject({ method: 'GET', url: `/v1/products/${id}` })).json<Product>().available;

describe('cart ownership', () => {
  it('answers 404 on every cart route to anyone but the owner, and changes nothing', async () => {
    const item = await createProductVia(app, { stock: 20 });
    const owner = await guest();
    await add(owner.cookie, owner.cart.id, item.id, 2);
    const strangerGuest = await guest();
    await add(strangerGuest.cookie, strangerGuest.cart.id, item.id, 1);
    const strangerCustomer = await customer();
    await add(strangerCustomer.cookie, (await openCart(strangerCustomer.cookie)).id, item.id, 1);
    const forged = `${SHOPPER_SESSION_COOKIE}=${owner.cookie.split('=')[1]!.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'))}`;
    const callers = [
      { name: 'another guest', headers: { cookie: strangerGuest.cookie } },
      { name: 'another customer', headers: { cookie: strangerCustomer.cookie } },
      { name: 'no session', headers: {} as Record<string, string> },
      { name: 'a forged cookie', headers: { cookie: forged } },
    ];
    const routes = app.routeAccess.filter((route) => route.url.startsWith('/v1/carts/:id') && route.method !== 'HEAD');
    expect(routes.map((route) => `${route.method} ${route.url}`).sort()).toEqual([
      'DELETE /v1/carts/:id/lines/:productId',
      'GET /v1/carts/:id',
      'PATCH /v1/carts/:id/lines/:productId',
      'POST /v1/carts/:id/lines',
    ]);
    const request = (method: string, url: string, headers: Record<string, string>) => {
      const path = url.replace(':id', owner.cart.id).replace(':productId', item.id);
      const body = method === 'POST' ? { productId: item.id, quantity: 1 } : method === 'PATCH' ? { quantity: 5 } : undefined;
      return app.inject({ method: method as 'GET', url: path, headers, ...(body === undefined ? {} : { payload: body }) });
    };
    const before = await snapshot();
    let refusals = 0;
    for (const route of routes) {
      for (const caller of callers) {
        const answer = await request(route.method, route.url, caller.headers);
        expect(answer.statusCode, `${caller.name}: ${route.method} ${route.url} → ${answer.body}`).toBe(404);
        expect(answer.json()).toMatchObject({ code: 'NOT_FOUND', message: `cart ${owner.cart.id} does not exist` });
        refusals++;
      }
    }
    expect(refusals).toBe(16);
    expect(await snapshot()).toEqual(before);
    // The same requests from the owner are carried out.
    for (const route of routes) expect((await request(route.method, route.url, { cookie: owner.cookie })).statusCode, `${route.method} ${route.url}`).toBe(200);
  });

  it('refuses a shopper session (customer or guest) on every staff route, reads included, and changes nothing', async () => {
    const signedIn = await customer();
    const visitor = await guest();
    const staffRoutes = [
      // Order routes that their owner may call too answer a stranger 404 instead (test/order-ownership.test.ts).
      ...app.routeAccess.filter((route) => route.access !== undefined && !isShopperAccess(route.access) && route.access.owner === undefined && route.method !== 'HEAD'),
      // Reads its cookie itself (no declared access): the staff cookie only.
      { method: 'GET', url: '/v1/auth/session' },
    ];
    expect(staffRoutes.length).toBeGreaterThanOrEqual(14);
    const before = await snapshot();
    for (const route of staffRoutes) {
      const url = route.url.replace(':id', '00000000-0000-4000-8000-000000000000');
      const body = ['POST', 'PATCH', 'PUT'].includes(route.method) ? {} : undefined;
      for (const cookie of [signedIn.cookie, visitor.cookie]) {
        const answer = await app.inject({ method: route.method as 'GET', url, headers: { cookie }, ...(body === undefined ? {} : { payload: body }) });
        expect(answer.statusCode, `${route.method} ${route.url} → ${answer.body}`).toBe(401);
      }
    }
    expect(await snapshot()).toEqual(before);
  });
});

describe('customer sign-in', () => {
  it('rotates the session and merges the guest cart: quantities added, capped per line and by what can be held', async () => {
    const plenty = await createProductVia(app, { stock: 200 });
    const few = await createProductVia(app, { stock: 3 });
    const scarce = await createProductVia(app, { stock: 4 });
    const fresh = await createProductVia(app, { stock: 5 });
    const account = await customer();
    const mine = await openCart(account.cookie);
    await add(account.cookie, mine.id, plenty.id, 60);
    await add(account.cookie, mine.id, few.id, 1);
    await add(account.cookie, mine.id, scarce.id, 2);
    expect((await app.inject({ method: 'POST', url: '/v1/customer-auth/logout', headers: { cookie: account.cookie } })).statusCode).toBe(204);

    const visitor = await guest();
    await add(visitor.cookie, visitor.cart.id, plenty.id, 60);
    await add(visitor.cookie, visitor.cart.id, few.id, 2);
    await add(visitor.cookie, visitor.cart.id, scarce.id, 2);
    await add(visitor.cookie, visitor.cart.id, fresh.id, 1);
    // The guest's hold on `scarce` lapses and someone else takes what it gave back.
    await pool.query("UPDATE cart_lines SET hold_expires_at = now() - interval '1 second' WHERE cart_id = $1 AND product_id = $2", [visitor.cart.id, scarce.id]);
    expect((await expireHolds({ pool, actor: SWEEPER, batchSize: 10 })).released).toBe(1);
    // Released outside the app (as another instance's sweeper would): the app sells it again once the event arrives.
    await waitUntil(() => !app.soldOut.isSoldOut(scarce.id), { what: "the release's event to reach the app" });
    const other = await guest();
    await add(other.cookie, other.cart.id, scarce.id, 2);

    const signIn = await app.inject({ method: 'POST', url: '/v1/customer-auth/login', headers: { cookie: visitor.cookie }, payload: { email: account.email, password: PASSWORD } });
    expect(signIn.statusCode, signIn.body).toBe(200);
    expect(signIn.json<ShopperSession>().customer?.email).toBe(account.email);
    const cookie = cookieOf(signIn);
    expect(cookie).not.toBe(visitor.cookie);
    // The guest session is gone: its cookie owns nothing now.
    expect((await app.inject({ method: 'GET', url: `/v1/carts/${visitor.cart.id}`, headers: { cookie: visitor.cookie } })).statusCode).toBe(404);

    const merged = await openCart(cookie);
    expect(merged.id).toBe(mine.id);
    const quantities = Object.fromEntries(merged.lines.map((line) => [line.productId, line.quantity]));
    expect(quantities).toEqual({ [plenty.id]: 99, [few.id]: 3, [scarce.id]: 2, [fresh.id]: 1 });
    expect(await available(plenty.id)).toBe(101);
    expect(await available(few.id)).toBe(0);
    expect(await available(scarce.id)).toBe(0);
    expect(await available(fresh.id)).toBe(4);
    const { rows: held } = await pool.query<{ product: string; reserved: number; lines: number }>(
      'SELECT p.id AS product, p.reserved, (SELECT coalesce(sum(held), 0)::int FROM cart_lines WHERE product_id = p.id) AS lines FROM products p WHERE p.id = ANY($1::uuid[])',
      [[plenty.id, few.id, scarce.id, fresh.id]],
    );
    for (const row of held) expect(row.reserved, row.product).toBe(row.lines);
    expect((await pool.query('SELECT 1 FROM carts WHERE id = $1', [visitor.cart.id])).rows).toHaveLength(0);
    const session = await app.inject({ method: 'GET', url: '/v1/customer-auth/session', headers: { cookie } });
    expect(session.statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/v1/customer-auth/session', headers: { cookie: visitor.cookie } })).statusCode).toBe(401);
  });

  it('throttles customer sign-in like staff sign-in: 401 alike for unknown emails, then 429', async () => {
    const account = await customer();
    const attempt = (email: string) => app.inject({ method: 'POST', url: '/v1/customer-auth/login', payload: { email, password: 'not-the-password-at-all' } });
    expect((await attempt('nobody@shop.test')).statusCode).toBe(401);
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await attempt(account.email)).statusCode);
    expect(statuses.slice(0, 4)).toEqual([401, 401, 401, 401]);
    expect(statuses).toContain(429);
  });

  it('refuses a weak password at sign-up, naming the field', async () => {
    const answer = await app.inject({ method: 'POST', url: '/v1/customers', payload: { email: 'weak@shop.test', password: 'password1234' } });
    expect(answer.statusCode).toBe(400);
    expect(answer.json()).toMatchObject({ details: [{ field: 'body.password' }] });
  });
});
