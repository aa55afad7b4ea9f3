import { requireBuilds, startBuiltApp, type BuiltApp } from '@livecart/local-services/testing';
import type { Actor, StaffRole } from '@livecart/schemas';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStaffUser } from '../src/services/staff/create-staff-user.js';
import { createTestContext, productInput, testPool, type TestContext } from './helpers.js';

/**
 * Two api processes on one database and Redis prefix, each with a credential cache that would trust a
 * checked session for ten minutes: a change made through one must hold on the other's very next request.
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
