import { waitUntil } from '@livecart/local-services/testing';
import type { ApiKeyCreated, StaffRole, StaffSession } from '@livecart/schemas';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStaffUser } from '../src/services/staff/create-staff-user.js';
import { AUTH, createTestContext, productInput, testPool, type TestContext } from './helpers.js';

const PASSWORD = 'plum-lantern-97-orbit';
let ctx: TestContext;
let pool: pg.Pool;
let clock = Date.now();
const now = () => clock;
let a: FastifyInstance;
let b: FastifyInstance;
let userCount = 0;

const OVERRIDES = { SESSION_IDLE_TIMEOUT_S: '600', SESSION_ABSOLUTE_TIMEOUT_S: '3600', LOGIN_COOLDOWN_MS: '400', LOGIN_MAX_FAILURES_PER_IP: '1000' };

beforeAll(async () => {
  ctx = await createTestContext('staff-identity');
  pool = testPool(ctx.databaseUrl);
  a = await ctx.app(OVERRIDES, { now });
  b = await ctx.app(OVERRIDES, { now });
});

afterAll(async () => {
  await pool.end();
  await ctx.close();
});

async function staff(role: StaffRole) {
  userCount++;
  const email = `staff-${userCount}@shop.test`;
  const user = await createStaffUser({ pool, email, password: PASSWORD, role, actor: { type: 'system', id: null, name: 'staff-identity test' } });
  return { ...user, email };
}

function login(app: FastifyInstance, email: string, password = PASSWORD, headers: Record<string, string> = {}) {
  return app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email, password }, headers });
}

async function signIn(app: FastifyInstance, role: StaffRole) {
  const user = await staff(role);
  const response = await login(app, user.email);
  expect(response.statusCode).toBe(200);
  const setCookie = String(response.headers['set-cookie']);
  return { user, cookie: { cookie: setCookie.split(';')[0] as string }, setCookie };
}

const createProduct = (app: FastifyInstance, headers: Record<string, string>) => app.inject({ method: 'POST', url: '/v1/products', headers, payload: productInput() });

function expectEnvelope(response: LightMyRequestResponse, status: number) {
  expect(response.statusCode, response.body).toBe(status);
  expect(response.json()).toMatchObject({ statusCode: status });
}

describe('sessions', () => {
  it('logs in with an httpOnly SameSite=Lax cookie, says who is signed in, and lets an editor write', async () => {
    const { user, cookie, setCookie } = await signIn(a, 'editor');
    expect(setCookie).toMatch(/livecart_session=.+; .*HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    expect(setCookie).not.toMatch(/Secure/i);
    const session = await a.inject({ url: '/v1/auth/session', headers: cookie });
    expect(session.statusCode).toBe(200);
    expect(session.json<StaffSession>().user).toMatchObject({ id: user.id, role: 'editor' });
    expect(session.body).not.toMatch(/argon2|password/i);
    expect((await createProduct(a, cookie)).statusCode).toBe(201);
  });

  it('answers a wrong password and an unknown email alike', async () => {
    const user = await staff('viewer');
    const wrong = await login(a, user.email, 'not-the-password-at-all');
    const unknown = await login(a, 'nobody-here@shop.test', 'not-the-password-at-all');
    expectEnvelope(wrong, 401);
    expect(unknown.statusCode).toBe(wrong.statusCode);
    expect(unknown.json()).toEqual(wrong.json());
  });

  it('rotates the session id at login: the cookie brought along stops working', async () => {
    const { user, cookie } = await signIn(a, 'viewer');
    const again = await login(a, user.email, PASSWORD, cookie);
    const fresh = { cookie: String(again.headers['set-cookie']).split(';')[0] as string };
    expect(fresh.cookie).not.toBe(cookie.cookie);
    expectEnvelope(await a.inject({ url: '/v1/auth/session', headers: cookie }), 401);
    expect((await a.inject({ url: '/v1/auth/session', headers: fresh })).statusCode).toBe(200);
  });

  it('refuses a forged cookie', async () => {
    expectEnvelope(await a.inject({ url: '/v1/auth/session', headers: { cookie: 'livecart_session=forged.value' } }), 401);
  });

  it('ends on logout, on the next request, on the other instance too', async () => {
    const { cookie } = await signIn(a, 'viewer');
    expect((await b.inject({ url: '/v1/auth/session', headers: cookie })).statusCode).toBe(200);
    expect((await a.inject({ method: 'POST', url: '/v1/auth/logout', headers: cookie })).statusCode).toBe(204);
    await waitUntil(async () => ((await b.inject({ url: '/v1/auth/session', headers: cookie })).statusCode === 401 ? true : undefined), { what: 'logout on b', timeoutMs: 2_000, intervalMs: 20 });
  });

  it('signs out everywhere', async () => {
    const { user, cookie } = await signIn(a, 'editor');
    const second = { cookie: String((await login(b, user.email)).headers['set-cookie']).split(';')[0] as string };
    expect((await createProduct(b, second)).statusCode).toBe(201);
    expect((await a.inject({ method: 'POST', url: '/v1/auth/logout-everywhere', headers: cookie })).statusCode).toBe(204);
    await waitUntil(async () => ((await createProduct(b, second)).statusCode === 401 ? true : undefined), { what: 'sign-out everywhere on b', timeoutMs: 2_000, intervalMs: 20 });
    expectEnvelope(await createProduct(a, cookie), 401);
  });

  it('expires when idle and at the absolute limit', async () => {
    const { cookie } = await signIn(a, 'viewer');
    clock += 300_000;
    expect((await a.inject({ url: '/v1/auth/session', headers: cookie })).statusCode).toBe(200);
    clock += 601_000;
    expectEnvelope(await a.inject({ url: '/v1/auth/session', headers: cookie }), 401);

    const used = await signIn(a, 'viewer');
    for (let step = 0; step < 7; step++) {
      clock += 500_000;
      const answer = await a.inject({ url: '/v1/auth/session', headers: used.cookie });
      expect(answer.statusCode, `step ${step}`).toBe(step < 7 && (step + 1) * 500_000 < 3_600_000 ? 200 : 401);
    }
    clock += 200_000;
    expectEnvelope(await a.inject({ url: '/v1/auth/session', headers: used.cookie }), 401);
  });
});

describe('revocation by an admin, effective on the next request on every instance', () => {
  it('disabling a user and lowering a role', async () => {
    const admin = await signIn(a, 'admin');
    const editor = await signIn(a, 'editor');
    const other = await signIn(a, 'editor');
    expect((await createProduct(b, editor.cookie)).statusCode).toBe(201);
    expect((await createProduct(b, other.cookie)).statusCode).toBe(201);

    const demoted = await a.inject({ method: 'PATCH', url: `/v1/staff-users/${editor.user.id}`, headers: admin.cookie, payload: { role: 'viewer' } });
    expect(demoted.json()).toMatchObject({ role: 'viewer' });
    await waitUntil(async () => ((await createProduct(b, editor.cookie)).statusCode === 403 ? true : undefined), { what: 'role change on b', timeoutMs: 2_000, intervalMs: 20 });

    expect((await a.inject({ method: 'PATCH', url: `/v1/staff-users/${other.user.id}`, headers: admin.cookie, payload: { disabled: true } })).statusCode).toBe(200);
    await waitUntil(async () => ((await createProduct(b, other.cookie)).statusCode === 401 ? true : undefined), { what: 'disable on b', timeoutMs: 2_000, intervalMs: 20 });
    expectEnvelope(await login(a, other.user.email), 401);
  });

  it('applies a role and a disable given together as one change, and refuses an unknown user with 404', async () => {
    const admin = await signIn(a, 'admin');
    const editor = await signIn(a, 'editor');
    const both = await a.inject({ method: 'PATCH', url: `/v1/staff-users/${editor.user.id}`, headers: admin.cookie, payload: { role: 'viewer', disabled: true } });
    expect(both.json()).toMatchObject({ role: 'viewer', disabled: true });
    const { rows } = await a.db.query<{ role: string; disabled: boolean; sessions: number }>(
      'SELECT role, disabled, (SELECT count(*)::int FROM staff_sessions WHERE user_id = $1) AS sessions FROM staff_users WHERE id = $1',
      [editor.user.id],
    );
    expect(rows[0]).toEqual({ role: 'viewer', disabled: true, sessions: 0 });
    const unknown = await a.inject({ method: 'PATCH', url: '/v1/staff-users/3f0c1b9e-1111-4abc-8def-0123456789ab', headers: admin.cookie, payload: { role: 'editor' } });
    expectEnvelope(unknown, 404);
  });
});

describe('login throttling', () => {
  it('answers a burst of wrong passwords with 429 and Retry-After, never 5xx; the right password works after the cool-down', async () => {
    const user = await staff('viewer');
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 12; attempt++) statuses.push((await login(a, user.email, `wrong-${attempt}-password`)).statusCode);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5).every((status) => status === 429)).toBe(true);
    const throttled = await login(a, user.email);
    expectEnvelope(throttled, 429);
    expect(Number(throttled.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    const unknown: number[] = [];
    for (let attempt = 0; attempt < 6; attempt++) unknown.push((await login(a, 'ghost@shop.test', 'wrong-password-x')).statusCode);
    expect(unknown).toEqual([401, 401, 401, 401, 401, 429]);
    await new Promise((resolve) => setTimeout(resolve, 450));
    expect((await login(a, user.email)).statusCode).toBe(200);
  });
});

describe('API keys', () => {
  it('are shown once, scoped, revocable on every instance, with a last-used time', async () => {
    const admin = await signIn(a, 'admin');
    const created = await a.inject({ method: 'POST', url: '/v1/api-keys', headers: admin.cookie, payload: { name: 'importer', scopes: ['catalog:write'] } });
    expect(created.statusCode).toBe(201);
    const key = created.json<ApiKeyCreated>();
    const bearer = { authorization: `Bearer ${key.key}` };
    const listed = await a.inject({ url: '/v1/api-keys', headers: admin.cookie });
    expect(listed.body).not.toContain(key.key);

    const ordersOnly = (await a.inject({ method: 'POST', url: '/v1/api-keys', headers: admin.cookie, payload: { name: 'reader', scopes: ['orders:read'] } })).json<ApiKeyCreated>();
    expectEnvelope(await createProduct(a, { authorization: `Bearer ${ordersOnly.key}` }), 403);
    expectEnvelope(await a.inject({ url: '/v1/api-keys', headers: bearer }), 403);

    expect((await createProduct(b, bearer)).statusCode).toBe(201);
    const lastUsed = await waitUntil(async () => {
      const { rows } = await pool.query<{ last_used_at: string | null }>('SELECT last_used_at FROM api_keys WHERE id = $1', [key.id]);
      return rows[0]?.last_used_at ?? undefined;
    }, { what: 'the key to record its last use', timeoutMs: 5_000, intervalMs: 20 });
    expect(Number.isNaN(Date.parse(lastUsed))).toBe(false);

    expect((await a.inject({ method: 'DELETE', url: `/v1/api-keys/${key.id}`, headers: admin.cookie })).json()).toMatchObject({ revokedAt: expect.any(String) });
    await waitUntil(async () => ((await createProduct(b, bearer)).statusCode === 403 ? true : undefined), { what: 'revoked key on b', timeoutMs: 2_000, intervalMs: 20 });
  });
});

describe('the retired static token', () => {
  it('refuses the retired static ADMIN_TOKEN value like any unknown key, and accepts the suite\'s API key', async () => {
    expect((await createProduct(a, { authorization: 'Bearer test-admin-token-0123456789' })).statusCode).toBe(403);
    expect((await createProduct(a, AUTH)).statusCode).toBe(201);
  });
});
