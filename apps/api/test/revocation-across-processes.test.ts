import { requireBuilds, startBuiltApp, type BuiltApp } from '@livecart/local-services/testing';
import { SHOPPER_SESSION_COOKIE, type Actor, type StaffRole } from '@livecart/schemas';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStaffUser } from '../src/services/staff/create-staff-user.js';
import { createTestContext, productInput, testPool, type TestContext } from './helpers.js';

/**
 * Two api processes on one database and Redis prefix, each with a credential cache that would trust a
 * checked session for ten minutes: a change made through one must hold on the other's very next request,
 * for staff credentials and for shopper sessions alike.
 */

/** Who the test's own arrangements are recorded as in the audit log. */
const SETUP: Actor = { type: 'system', id: null, name: 'revocation-across-processes test' };
const PASSWORD = 'harbor-kettle-58-saffron';
let ctx: TestContext;
let pool: pg.Pool;
let a: BuiltApp;
let b: BuiltApp;
let userCount = 0;

beforeAll(async () => {
  requireBuilds(['api']);
  ctx = await createTestContext('revocation-processes');
  pool = testPool(ctx.databaseUrl);
  const env = { DATABASE_URL: ctx.databaseUrl, REDIS_URL: ctx.redisUrl, REDIS_PREFIX: ctx.prefix, AUTH_CACHE_TTL_MS: '600000', RATE_LIMIT_ENABLED: 'false' };
  [a, b] = await Promise.all([startBuiltApp('api', { name: 'api-a', env }), startBuiltApp('api', { name: 'api-b', env })]);
});

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await pool?.end();
  await ctx?.close();
});

async function signIn(api: BuiltApp, role: StaffRole) {
  userCount++;
  const user = await createStaffUser({ pool, email: `across-${userCount}@shop.test`, password: PASSWORD, role, actor: SETUP });
  const answer = await fetch(`${api.url}/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: user.email, password: PASSWORD }) });
  expect(answer.status).toBe(200);
  return { user, cookie: (answer.headers.get('set-cookie') ?? '').split(';')[0]! };
}

const createProduct = (api: BuiltApp, cookie: string) =>
  fetch(`${api.url}/v1/products`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify(productInput()) });

const changeUser = (api: BuiltApp, cookie: string, id: string, change: { role?: StaffRole; disabled?: boolean }) =>
  fetch(`${api.url}/v1/staff-users/${id}`, { method: 'PATCH', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify(change) });

describe('a change made on one api process holds on the next request to another', () => {
  it('caches a checked session on B: a session row removed behind its back still passes there', async () => {
    const editor = await signIn(b, 'editor');
    expect((await createProduct(b, editor.cookie)).status).toBe(201);
    await pool.query('DELETE FROM staff_sessions WHERE user_id = $1', [editor.user.id]);
    // Nothing told B: its cache answers (this is what the revocations below must overcome).
    expect((await createProduct(b, editor.cookie)).status).toBe(201);
  });

  it('disabling a user on A refuses their session on B at once (401), and a lowered role on the next write (403)', async () => {
    const admin = await signIn(a, 'admin');
    const disabled = await signIn(b, 'editor');
    const demoted = await signIn(b, 'editor');
    expect((await createProduct(b, disabled.cookie)).status).toBe(201);
    expect((await createProduct(b, demoted.cookie)).status).toBe(201);

    expect((await changeUser(a, admin.cookie, disabled.user.id, { disabled: true })).status).toBe(200);
    const refused = await createProduct(b, disabled.cookie);
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ statusCode: 401, code: 'UNAUTHORIZED' });

    expect((await changeUser(a, admin.cookie, demoted.user.id, { role: 'viewer' })).status).toBe(200);
    const forbidden = await createProduct(b, demoted.cookie);
    expect(forbidden.status).toBe(403);
    expect(await forbidden.json()).toMatchObject({ statusCode: 403, code: 'FORBIDDEN' });
  });
});

/* Shopper sessions are taken from memory once checked too (a sale's crowd must not cost a query per click). */

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

let customers = 0;

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
