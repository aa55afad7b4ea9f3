import { TEST_CARDS, type Actor, type Cart, type CheckoutRefusal, type Order, type OrderPage, type OrderPlaced } from '@livecart/schemas';
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { waitUntil } from '@livecart/local-services/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrderLink, parseLinkKeys } from '../src/auth/order-link.js';
import { expireHolds } from '../src/services/carts/expire-holds.js';
import { AUTH, createProductVia, createTestContext, ORDER_LINK_KEYS, orderAuth, testPool, type TestContext } from './helpers.js';
import { historyOf, orderSnapshot, statusOf, waitForStatus } from './order-fixtures.js';

/**
 * Checkout through the API: a shopper's cart becomes an order that the session owns, is paid with the test
 * cards, and is refused whole (nothing changed) for a changed price, an empty cart or a replayed key.
 */

const PASSWORD = 'harbour-violet-52-quartz';
const SWEEPER: Actor = { type: 'system', id: null, name: 'checkout test sweeper' };
let ctx: TestContext;
let pool: pg.Pool;
let app: FastifyInstance;
let customers = 0;

beforeAll(async () => {
  ctx = await createTestContext('checkout');
  pool = testPool(ctx.databaseUrl);
  app = await ctx.app({ CART_SWEEP_INTERVAL_MS: '3600000', PAYMENT_TEST_DELAY_MS: '1500' });
  // The test provider confirms payments by POSTing its webhook to this api's own address.
  await app.listen({ host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  await pool?.end();
  await ctx?.close();
});

const cookieOf = (answer: { headers: Record<string, unknown> }) => String(answer.headers['set-cookie']).split(';')[0]!;

/** A guest session with a cart holding `quantity` of a new product priced `priceMinor`. */
async function guestWithCart(priceMinor = 1_000, quantity = 2, stock = 10): Promise<{ cookie: string; cart: Cart; productId: string }> {
  const product = await createProductVia(app, { stock, priceMinor });
  const opened = await app.inject({ method: 'POST', url: '/v1/carts' });
  expect(opened.statusCode, opened.body).toBe(201);
  const cookie = cookieOf(opened);
  const cart = await addLine(cookie, opened.json<Cart>().id, product.id, quantity);
  return { cookie, cart, productId: product.id };
}

async function addLine(cookie: string, cartId: string, productId: string, quantity: number): Promise<Cart> {
  const added = await app.inject({ method: 'POST', url: `/v1/carts/${cartId}/lines`, headers: { cookie }, payload: { productId, quantity } });
  expect(added.statusCode, added.body).toBe(200);
  return added.json<Cart>();
}

async function customer(cookie?: string): Promise<string> {
  customers++;
  const answer = await app.inject({ method: 'POST', url: '/v1/customers', headers: cookie === undefined ? {} : { cookie }, payload: { email: `buyer-${customers}@shop.test`, password: PASSWORD } });
  expect(answer.statusCode, answer.body).toBe(201);
  return cookieOf(answer);
}

const checkout = (headers: Record<string, string>, expectedTotalMinor: number) => app.inject({ method: 'POST', url: '/v1/checkout', headers, payload: { expectedTotalMinor } });

async function checkedOut(headers: Record<string, string>, expectedTotalMinor: number): Promise<OrderPlaced> {
  const answer = await checkout(headers, expectedTotalMinor);
  expect(answer.statusCode, answer.body).toBe(201);
  return answer.json<OrderPlaced>();
}

const cartRow = async (id: string) => (await pool.query('SELECT id FROM carts WHERE id = $1', [id])).rowCount;
const stockOf = async (id: string) => (await pool.query<{ stock: number; reserved: number }>('SELECT stock, reserved FROM products WHERE id = $1', [id])).rows[0]!;

describe('POST /v1/checkout', () => {
  it('turns the cart into an order the session owns, which the success card makes paid, each step with its event and audit row', async () => {
    const { cookie, cart, productId } = await guestWithCart(1_000, 2, 10);
    const answer = await checkout({ cookie }, 2_000);
    expect(answer.statusCode, answer.body).toBe(201);
    const order = answer.json<OrderPlaced>();
    expect(answer.headers.location).toBe(`/v1/orders/${order.id}`);
    expect(order).toMatchObject({ status: 'pending_payment', totalMinor: 2_000, items: [{ productId, quantity: 2, unitPriceMinor: 1_000 }] });
    expect(order.accessToken).toMatch(/^ol1\./);
    // The cart is gone, its holds became the order's units.
    expect(await cartRow(cart.id)).toBe(0);
    expect(await stockOf(productId)).toEqual({ stock: 8, reserved: 0 });
    const { rows: cartEvents } = await pool.query<{ data: Cart; topics: string[] }>("SELECT data, topics FROM outbox WHERE type = 'cart.updated' AND topics ? $1 ORDER BY id", [`cart:${cart.id}`]);
    expect(cartEvents.at(-1)).toMatchObject({ topics: [`cart:${cart.id}`], data: { id: cart.id, lines: [], totalMinor: 0 } });

    // The session is an owner: it reads and pays without the link.
    const read = await app.inject({ method: 'GET', url: `/v1/orders/${order.id}`, headers: { cookie } });
    expect(read.statusCode, read.body).toBe(200);
    const paid = await app.inject({ method: 'POST', url: `/v1/orders/${order.id}/payment`, headers: { cookie }, payload: { cardNumber: TEST_CARDS.success } });
    expect(paid.statusCode, paid.body).toBe(202);
    await waitForStatus(pool, order.id, 'paid');
    expect(await historyOf(pool, order.id)).toEqual({ events: ['order.pending_payment', 'order.paid'], audit: ['order.placed', 'order.paid'] });
  });

  it('leaves the order waiting on a declined card, and makes it paid later on the delayed card', async () => {
    const { cookie } = await guestWithCart(700, 1);
    const order = await checkedOut({ cookie }, 700);
    const declined = await app.inject({ method: 'POST', url: `/v1/orders/${order.id}/payment`, headers: { cookie }, payload: { cardNumber: TEST_CARDS.decline } });
    expect(declined.statusCode, declined.body).toBe(402);
    expect(await statusOf(pool, order.id)).toBe('pending_payment');
    const delayed = await app.inject({ method: 'POST', url: `/v1/orders/${order.id}/payment`, headers: { cookie }, payload: { cardNumber: TEST_CARDS.delayed } });
    expect(delayed.statusCode, delayed.body).toBe(202);
    expect(await statusOf(pool, order.id)).toBe('pending_payment');
    await waitForStatus(pool, order.id, 'paid');
    expect((await historyOf(pool, order.id)).events).toEqual(['order.pending_payment', 'order.paid']);
  });

  it('refuses a changed total with 409 PRICE_CHANGED, the new total, the repriced line and the current cart, changing nothing; the new total then checks out', async () => {
    const { cookie, cart, productId } = await guestWithCart(1_000, 3);
    const repriced = await app.inject({ method: 'PATCH', url: `/v1/products/${productId}`, headers: { ...AUTH, 'if-match': '*' }, payload: { priceMinor: 1_200 } });
    expect(repriced.statusCode, repriced.body).toBe(200);
    const before = await snapshot(cart.id, productId);
    const refused = await checkout({ cookie, 'idempotency-key': 'price-changed-0001' }, 3_000);
    expect(refused.statusCode, refused.body).toBe(409);
    const body = refused.json<CheckoutRefusal>();
    expect(body).toMatchObject({
      code: 'PRICE_CHANGED',
      details: [
        { field: 'totalMinor', message: '3600' },
        { field: 'expectedTotalMinor', message: '3000' },
        { field: `lines.${productId}`, message: 'unit price 1000 → 1200' },
      ],
      cart: { id: cart.id, totalMinor: 3_600, lines: [{ productId, unitPriceMinor: 1_200, quantity: 3 }] },
    });
    expect(await snapshot(cart.id, productId)).toEqual(before);
    // The same key replays the refusal (with the cart as it is now); the new total is a new request.
    const replayed = await checkout({ cookie, 'idempotency-key': 'price-changed-0001' }, 3_000);
    expect(replayed.statusCode).toBe(409);
    expect(replayed.json<CheckoutRefusal>()).toMatchObject({ code: 'PRICE_CHANGED', cart: { totalMinor: 3_600 } });
    const order = await checkedOut({ cookie }, body.cart!.totalMinor);
    expect(order.totalMinor).toBe(3_600);
  });

  it('answers 409 CART_EMPTY without a session, without a cart, and for an empty cart', async () => {
    expect((await checkout({}, 0)).json()).toMatchObject({ statusCode: 409, code: 'CART_EMPTY' });
    const opened = await app.inject({ method: 'POST', url: '/v1/carts' });
    const cookie = cookieOf(opened);
    expect((await checkout({ cookie }, 0)).json()).toMatchObject({ statusCode: 409, code: 'CART_EMPTY' });
    const fresh = await customer();
    expect((await checkout({ cookie: fresh }, 0)).json()).toMatchObject({ statusCode: 409, code: 'CART_EMPTY' });
  });

  it('answers 409 OUT_OF_STOCK when a lapsed hold’s units went to someone else, and keeps the cart', async () => {
    const { cookie, cart, productId } = await guestWithCart(500, 2, 2);
    // The hold lapses, the sweeper releases it (its event tells every instance the units are back), and
    // another order takes some of them.
    await pool.query("UPDATE cart_lines SET hold_expires_at = now() - interval '1 second' WHERE cart_id = $1", [cart.id]);
    expect((await expireHolds({ pool, actor: SWEEPER, batchSize: 100 })).released).toBe(1);
    await waitUntil(() => !app.soldOut.isSoldOut(productId), { what: "the release's event to reach the app" });
    expect((await app.inject({ method: 'POST', url: '/v1/orders', payload: { items: [{ productId, quantity: 1 }] } })).statusCode).toBe(201);
    const refused = await checkout({ cookie }, 1_000);
    expect(refused.json()).toMatchObject({ statusCode: 409, code: 'OUT_OF_STOCK' });
    expect(await cartRow(cart.id)).toBe(1);
  });

  it('keeps the email given at checkout on the order, and a customer’s account email when none is given', async () => {
    const guest = await guestWithCart(300, 1);
    const placed = await app.inject({ method: 'POST', url: '/v1/checkout', headers: { cookie: guest.cookie }, payload: { expectedTotalMinor: 300, email: 'guest.buyer@shop.test' } });
    expect(placed.statusCode, placed.body).toBe(201);
    const order = placed.json<OrderPlaced>();
    expect(order.email).toBe('guest.buyer@shop.test');
    const read = await app.inject({ url: `/v1/orders/${order.id}`, headers: { cookie: guest.cookie } });
    expect(read.json<Order>().email).toBe('guest.buyer@shop.test');

    const signedIn = await customer();
    const product = await createProductVia(app, { stock: 5, priceMinor: 250 });
    const opened = await app.inject({ method: 'POST', url: '/v1/carts', headers: { cookie: signedIn } });
    await addLine(signedIn, opened.json<Cart>().id, product.id, 1);
    expect((await checkedOut({ cookie: signedIn }, 250)).email).toBe(`buyer-${customers}@shop.test`);
  });

  it('refuses a malformed email with 400, and the same Idempotency-Key with another email with 422, changing nothing', async () => {
    const { cookie, cart } = await guestWithCart(200, 1);
    const bad = await app.inject({ method: 'POST', url: '/v1/checkout', headers: { cookie }, payload: { expectedTotalMinor: 200, email: 'not an address' } });
    expect(bad.statusCode, bad.body).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'body.email' }] });
    expect(await cartRow(cart.id)).toBe(1);

    const headers = { cookie, 'idempotency-key': 'email-checkout-0001' };
    const send = (email: string) => app.inject({ method: 'POST', url: '/v1/checkout', headers, payload: { expectedTotalMinor: 200, email } });
    expect((await send('first@shop.test')).statusCode).toBe(201);
    const other = await send('second@shop.test');
    expect(other.statusCode, other.body).toBe(422);
    expect(other.json().code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('makes one order for two concurrent checkouts with the same Idempotency-Key', async () => {
    const { cookie, productId } = await guestWithCart(400, 2);
    const headers = { cookie, 'idempotency-key': 'same-checkout-0001' };
    const answers = await Promise.all([checkout(headers, 800), checkout(headers, 800)]);
    expect(answers.map((answer) => answer.statusCode)).toEqual([201, 201]);
    const [first, second] = answers.map((answer) => answer.json<OrderPlaced>());
    expect(first!.id).toBe(second!.id);
    expect(answers.filter((answer) => answer.headers['idempotent-replayed'] === 'true')).toHaveLength(1);
    const { rows } = await pool.query('SELECT DISTINCT order_id FROM order_items WHERE product_id = $1', [productId]);
    expect(rows).toHaveLength(1);
    // Another session cannot replay the key into someone else's order.
    const stranger = await guestWithCart(400, 2);
    expect((await checkout({ cookie: stranger.cookie, 'idempotency-key': 'same-checkout-0001' }, 800)).json()).toMatchObject({ statusCode: 422, code: 'IDEMPOTENCY_KEY_REUSED' });
  });

  it('makes one order for two concurrent checkouts of one cart without a key; the other is 409 CART_EMPTY', async () => {
    const { cookie, productId } = await guestWithCart(300, 1);
    const answers = await Promise.all([checkout({ cookie }, 300), checkout({ cookie }, 300)]);
    expect(answers.map((answer) => answer.statusCode).sort()).toEqual([201, 409]);
    expect(answers.find((answer) => answer.statusCode === 409)!.json()).toMatchObject({ code: 'CART_EMPTY' });
    const { rows } = await pool.query('SELECT DISTINCT order_id FROM order_items WHERE product_id = $1', [productId]);
    expect(rows).toHaveLength(1);
  });

  it('is in the OpenAPI document with its body, its 201 and its refusal carrying the cart', () => {
    const document = app.swagger() as {
      paths: Record<string, Record<string, { operationId?: string; security?: unknown; responses?: Record<string, unknown> }>>;
      components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
    };
    const operation = document.paths['/v1/checkout']?.post;
    expect(operation).toMatchObject({ operationId: 'checkout', security: [{ shopperSession: [] }] });
    expect(Object.keys(operation?.responses ?? {})).toEqual(expect.arrayContaining(['201', '409']));
    expect(JSON.stringify(operation?.responses?.['409'])).toContain('"#/components/schemas/CheckoutRefusal"');
    expect(document.components.schemas.CheckoutRefusal?.properties).toHaveProperty('cart');
    expect(document.paths['/v1/customers/me/orders']?.get?.operationId).toBe('listMyOrders');
  });
});

/** What a refused checkout must leave as it was: the cart, its lines and holds, the product, the outbox and audit. */
async function snapshot(cartId: string, productId: string): Promise<unknown> {
  const one = async (sql: string, params: unknown[] = []) => (await pool.query(sql, params)).rows;
  return {
    cart: await one('SELECT to_jsonb(c) AS row FROM carts c WHERE id = $1', [cartId]),
    lines: await one('SELECT to_jsonb(l) AS row FROM cart_lines l WHERE cart_id = $1 ORDER BY product_id', [cartId]),
    product: await one('SELECT stock, reserved, version FROM products WHERE id = $1', [productId]),
    orders: await one('SELECT count(*)::int AS n FROM orders'),
    outbox: await one('SELECT count(*)::int AS n, max(id)::text AS last FROM outbox'),
    audit: await one('SELECT count(*)::int AS n, max(id)::text AS last FROM audit_log'),
  };
}

describe('cart.updated', () => {
  it('is written on the cart’s private topic alone for every add, change and remove, with the whole cart', async () => {
    const { cookie, cart, productId } = await guestWithCart(250, 1);
    const patched = await app.inject({ method: 'PATCH', url: `/v1/carts/${cart.id}/lines/${productId}`, headers: { cookie }, payload: { quantity: 3 } });
    expect(patched.statusCode).toBe(200);
    const removed = await app.inject({ method: 'DELETE', url: `/v1/carts/${cart.id}/lines/${productId}`, headers: { cookie } });
    expect(removed.statusCode).toBe(200);
    const read = await app.inject({ method: 'GET', url: `/v1/carts/${cart.id}`, headers: { cookie } });
    expect(read.statusCode).toBe(200);
    const { rows } = await pool.query<{ topics: string[]; data: Cart; actor: { type: string } }>("SELECT topics, data, actor FROM outbox WHERE type = 'cart.updated' AND data->>'id' = $1 ORDER BY id", [cart.id]);
    // add, change, remove; a read writes nothing.
    expect(rows.map((row) => row.data.itemCount)).toEqual([1, 3, 0]);
    for (const row of rows) expect(row.topics).toEqual([`cart:${cart.id}`]);
    expect(rows[1]!.data).toEqual(patched.json());
    expect(rows[0]!.actor).toMatchObject({ type: 'guest' });
  });

  it('is written when a hold lapses, with the line no longer held', async () => {
    const { cart, productId } = await guestWithCart(250, 2);
    await pool.query("UPDATE cart_lines SET hold_expires_at = now() - interval '1 second' WHERE cart_id = $1", [cart.id]);
    expect((await expireHolds({ pool, actor: SWEEPER, batchSize: 100 })).released).toBeGreaterThanOrEqual(1);
    const { rows } = await pool.query<{ data: Cart }>("SELECT data FROM outbox WHERE type = 'cart.updated' AND topics ? $1 ORDER BY id DESC LIMIT 1", [`cart:${cart.id}`]);
    expect(rows[0]!.data.lines).toMatchObject([{ productId, quantity: 2, heldUntil: null }]);
  });
});

describe('order ownership by the shopper session', () => {
  it('answers 404 on every order route to a foreign guest, another customer, no session and an expired link, and changes nothing', async () => {
    const owner = await customer();
    const product = await createProductVia(app, { stock: 5, priceMinor: 900 });
    const opened = await app.inject({ method: 'POST', url: '/v1/carts', headers: { cookie: owner } });
    await addLine(owner, opened.json<Cart>().id, product.id, 1);
    const order = await checkedOut({ cookie: owner }, 900);
    const strangerGuest = cookieOf(await app.inject({ method: 'POST', url: '/v1/carts' }));
    const otherCustomer = await customer();
    const expiredLink = orderAuth(createOrderLink({ keys: parseLinkKeys(ORDER_LINK_KEYS), ttlS: 60, now: () => Date.now() - 61_000 }).mint(order.id).token);
    const before = await orderSnapshot(pool, order.id);
    // Every route on one order, from the router: a new one is covered by itself (and needs a body here).
    const bodies: Record<string, unknown> = { 'POST /v1/orders/:id/payment': { cardNumber: TEST_CARDS.success } };
    const routes = app.routeAccess.filter((route) => route.url.startsWith('/v1/orders/:id') && route.method !== 'HEAD');
    expect(routes.map((route) => `${route.method} ${route.url}`)).toEqual(expect.arrayContaining(['GET /v1/orders/:id', 'POST /v1/orders/:id/payment', 'POST /v1/orders/:id/cancel']));
    for (const headers of [{ cookie: strangerGuest }, { cookie: otherCustomer }, {}, expiredLink]) {
      for (const route of routes) {
        const key = `${route.method} ${route.url}`;
        const answer = await app.inject({ method: route.method as 'GET', url: route.url.replace(':id', order.id), headers, ...(key in bodies ? { payload: bodies[key] as object } : {}) });
        const what = `${key} ${JSON.stringify(headers)} → ${answer.body}`;
        if (route.access !== undefined && 'owner' in route.access && route.access.owner === 'order') {
          // Its owner's: to anyone else the order does not exist.
          expect(answer.statusCode, what).toBe(404);
          expect(answer.json()).toMatchObject({ code: 'NOT_FOUND', message: `order ${order.id} does not exist` });
        } else {
          // Staff only (fulfilment): no shopper credential is a staff one.
          expect(answer.statusCode, what).toBe(401);
        }
      }
    }
    expect(await orderSnapshot(pool, order.id)).toEqual(before);
    // The owner's history lists it; another customer's lists nothing of it; a guest or no session is 401.
    const mine = await app.inject({ method: 'GET', url: '/v1/customers/me/orders', headers: { cookie: owner } });
    expect(mine.json<OrderPage>().items.map((item) => item.id)).toEqual([order.id]);
    expect((await app.inject({ method: 'GET', url: '/v1/customers/me/orders', headers: { cookie: otherCustomer } })).json<OrderPage>().items).toEqual([]);
    expect((await app.inject({ method: 'GET', url: '/v1/customers/me/orders', headers: { cookie: strangerGuest } })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/v1/customers/me/orders' })).statusCode).toBe(401);
    // The owner, from another session of theirs, cancels it.
    const cancelled = await app.inject({ method: 'POST', url: `/v1/orders/${order.id}/cancel`, headers: { cookie: owner } });
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    expect((await pool.query("SELECT actor_type FROM audit_log WHERE subject_id = $1 AND action = 'order.cancelled'", [order.id])).rows).toEqual([{ actor_type: 'customer' }]);
  });

  it('lists a customer’s orders newest first, a page at a time, with orders checked out as a guest before signing in', async () => {
    const guest = await guestWithCart(100, 1);
    const guestOrder = await checkedOut({ cookie: guest.cookie }, 100);
    const cookie = await customer(guest.cookie);
    const placed: Order[] = [guestOrder];
    for (let i = 0; i < 3; i++) {
      const product = await createProductVia(app, { stock: 5, priceMinor: 100 + i });
      const cart = (await app.inject({ method: 'POST', url: '/v1/carts', headers: { cookie } })).json<Cart>();
      await addLine(cookie, cart.id, product.id, 1);
      placed.push(await checkedOut({ cookie }, 100 + i));
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: OrderPage = (await app.inject({ method: 'GET', url: `/v1/customers/me/orders?limit=3${cursor === null ? '' : `&cursor=${cursor}`}`, headers: { cookie } })).json<OrderPage>();
      seen.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor;
    } while (cursor !== null);
    expect(seen).toEqual(placed.map((order) => order.id).reverse());
    // A cursor this API did not issue is a 400, whatever it holds.
    for (const forged of ['bm90LWpzb24', Buffer.from(JSON.stringify({ f: 'x', r: guestOrder.id })).toString('base64url')]) {
      const refused = await app.inject({ method: 'GET', url: `/v1/customers/me/orders?cursor=${forged}`, headers: { cookie } });
      expect(refused.json(), forged).toMatchObject({ statusCode: 400, code: 'BAD_CURSOR' });
    }
    // The guest's session ended at sign-in; the customer now owns that order.
    expect((await app.inject({ method: 'GET', url: `/v1/orders/${guestOrder.id}`, headers: { cookie } })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: `/v1/orders/${guestOrder.id}`, headers: { cookie: guest.cookie } })).statusCode).toBe(404);
  });
});

describe('realtime tokens for shoppers', () => {
  const mint = (headers: Record<string, string>, topics: string[]) => app.inject({ method: 'POST', url: '/v1/realtime/tokens', headers, payload: { topics } });

  it('gives the owner session its cart and order topics, the link holder its order, and refuses anyone else 403', async () => {
    const owner = await guestWithCart(200, 1);
    expect((await mint({ cookie: owner.cookie }, [`cart:${owner.cart.id}`])).statusCode).toBe(200);
    const stranger = await guestWithCart(200, 1);
    const order = await checkedOut({ cookie: owner.cookie }, 200);
    expect((await mint({ cookie: owner.cookie }, [`order:${order.id}`])).statusCode).toBe(200);
    expect((await mint(orderAuth(order.accessToken), [`order:${order.id}`])).statusCode).toBe(200);
    for (const headers of [{ cookie: stranger.cookie }, {}] as Record<string, string>[]) {
      const refused = await mint(headers, [`order:${order.id}`]);
      expect(refused.statusCode, JSON.stringify(headers)).toBe(403);
    }
    // The cart was checked out: nobody follows it now; another cart is only its owner's.
    const next = (await app.inject({ method: 'POST', url: '/v1/carts', headers: { cookie: owner.cookie } })).json<Cart>();
    expect((await mint({ cookie: owner.cookie }, [`cart:${next.id}`])).statusCode).toBe(200);
    for (const headers of [{ cookie: stranger.cookie }, {}, orderAuth(order.accessToken), AUTH]) expect((await mint(headers, [`cart:${next.id}`])).statusCode).toBe(403);
    expect((await mint({ cookie: owner.cookie }, [`cart:${stranger.cart.id}`])).statusCode).toBe(403);
    expect((await mint(AUTH, [`cart:${stranger.cart.id}`])).statusCode).toBe(403);
  });
});

describe('rate limits of checkout', () => {
  it('limits checkouts per shopper session, with 429 and Retry-After, apart from other sessions', async () => {
    const limited = await ctx.app({ RATE_LIMIT_SHOPPER_ORDER_MAX: '2' });
    const opened = await limited.inject({ method: 'POST', url: '/v1/carts' });
    const cookie = cookieOf(opened);
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await limited.inject({ method: 'POST', url: '/v1/checkout', headers: { cookie }, payload: { expectedTotalMinor: 0 } })).statusCode);
    expect(statuses).toEqual([409, 409, 429]);
    const refused = await limited.inject({ method: 'POST', url: '/v1/checkout', headers: { cookie }, payload: { expectedTotalMinor: 0 } });
    expect(refused.json()).toMatchObject({ code: 'RATE_LIMITED' });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    const other = cookieOf(await limited.inject({ method: 'POST', url: '/v1/carts' }));
    expect((await limited.inject({ method: 'POST', url: '/v1/checkout', headers: { cookie: other }, payload: { expectedTotalMinor: 0 } })).statusCode).toBe(409);
    // POST /v1/orders counts against the same session's budget.
    expect((await limited.inject({ method: 'POST', url: '/v1/orders', headers: { cookie }, payload: { items: [{ productId: '00000000-0000-4000-8000-000000000001', quantity: 1 }] } })).statusCode).toBe(429);
  });
});
