import { requireBuilds, startBuiltApp, type BuiltApp } from '@livecart/local-services/testing';
import { SHOPPER_SESSION_COOKIE } from '@livecart/schemas';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, testPool, type TestContext } from './helpers.js';

/**
 * Shopper sessions are taken from memory once checked (a sale's crowd must not cost a query per click),
 * so every ending of one must reach every api process: two processes on one database and Redis prefix,
 * each trusting a checked session for ten minutes.
 */

const PASSWORD = 'harbor-kettle-58-saffron';
let ctx: TestContext;
let pool: pg.Pool;
let a: BuiltApp;
let b: BuiltApp;
let customers = 0;

beforeAll(async () => {
  requireBuilds(['api']);
  ctx = await createTestContext('shopper-sessions-processes');
  pool = testPool(ctx.databaseUrl);
  const env = { DATABASE_URL: ctx.databaseUrl, REDIS_URL: ctx.redisUrl, REDIS_PREFIX: ctx.prefix, AUTH_CACHE_TTL_MS: '600000', RATE_LIMIT_ENABLED: 'false' };
  [a, b] = await Promise.all([startBuiltApp('api', { name: 'api-a', env }), startBuiltApp('api', { name: 'api-b', env })]);
});

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await pool?.end();
  await ctx?.close();
});

const cookieOf = (answer: Response) => (answer.headers.get('set-cookie') ?? '').split(';')[0]!;
const post = (api: BuiltApp, path: string, cookie?: string, body?: unknown) =>
  fetch(`${api.url}${path}`, {
    method: 'POST',
    headers: { ...(cookie === undefined ? {} : { cookie }), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
const openCart = (api: BuiltApp, cookie?: string) => post(api, '/v1/carts', cookie);
const readCart = (api: BuiltApp, cookie: string, id: string) => fetch(`${api.url}/v1/carts/${id}`, { headers: { cookie } });
const session = (api: BuiltApp, cookie: string) => fetch(`${api.url}/v1/customer-auth/session`, { headers: { cookie } });

async function signUp(api: BuiltApp) {
  customers++;
  const email = `across-${customers}@shop.test`;
  const answer = await post(api, '/v1/customers', undefined, { email, password: PASSWORD });
  expect(answer.status).toBe(201);
  return { email, cookie: cookieOf(answer) };
}

describe('a shopper session ended on one api process is refused on the next request to another', () => {
  it('caches a checked session on B: a session row removed behind its back still passes there', async () => {
    const guest = await openCart(b);
    expect(guest.status).toBe(201);
    const cookie = cookieOf(guest);
    const { id } = (await guest.json()) as { id: string };
    await pool.query('DELETE FROM shopper_sessions');
    // Nothing told B: its cache answers (this is what the revocations below must overcome).
    expect((await readCart(b, cookie, id)).status).toBe(200);
  });

  it('signing out on A ends the session on B at once (401)', async () => {
    const customer = await signUp(a);
    expect((await session(b, customer.cookie)).status).toBe(200);
    expect((await post(a, '/v1/customer-auth/logout', customer.cookie)).status).toBe(204);
    const refused = await session(b, customer.cookie);
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ statusCode: 401, code: 'UNAUTHORIZED' });
  });

  it('signing in on A ends the guest session B knew: B treats its cookie as no session (a new guest session)', async () => {
    const customer = await signUp(a);
    expect((await post(a, '/v1/customer-auth/logout', customer.cookie)).status).toBe(204);
    const guest = await openCart(b);
    const guestCookie = cookieOf(guest);
    const { id } = (await guest.json()) as { id: string };
    expect((await readCart(b, guestCookie, id)).status).toBe(200);

    const signedIn = await post(a, '/v1/customer-auth/login', guestCookie, { email: customer.email, password: PASSWORD });
    expect(signedIn.status).toBe(200);
    expect((await readCart(b, guestCookie, id)).status).toBe(404);
    // A live session would be answered its (new, empty) cart with no cookie; an ended one starts another.
    const after = await openCart(b, guestCookie);
    expect(after.status).toBe(201);
    expect(after.headers.get('set-cookie')).toMatch(new RegExp(`^${SHOPPER_SESSION_COOKIE}=`));
    // The new session reads the merged cart on B.
    expect((await session(b, cookieOf(signedIn))).status).toBe(200);
  });
});
