import { API_KEY_SCOPES, STAFF_ROLES, type Actor, type ApiKeyCreated, type ApiKeyScope, type Product, type StaffRole } from '@livecart/schemas';
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isShopperAccess, securityOf, SHOPPER_SECURITY, type Access } from '../src/auth/access.js';
import { createStaffUser } from '../src/services/staff/create-staff-user.js';
import { createTestContext, productInput, testPool, type TestContext } from './helpers.js';

/**
 * Every mutating operation, taken from the registered routes and the OpenAPI document (a new route is
 * picked up by itself), called with every credential that must not pass, each carrying a body the
 * route would accept: each is refused with the envelope, and no row of any table changes.
 */

/** Who the test's own arrangements are recorded as in the audit log. */
const SETUP: Actor = { type: 'system', id: null, name: 'write-refusals test' };
const PASSWORD = 'lantern-orbit-63-quartz';
/**
 * Writes anyone may make: shoppers' orders, the staff sign-in routes themselves, and the payment provider's
 * webhook (believed for its signature alone: test/payment-webhook.test.ts).
 */
const PUBLIC_WRITES = new Set(['POST /v1/orders', 'POST /v1/auth/login', 'POST /v1/auth/logout', 'POST /v1/payments/webhooks/test']);
const MUTATING_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Columns bookkeeping writes whatever the requests do: a credential's last use (at most once a minute), the relay's lease. */
const BOOKKEEPING_COLUMNS: Record<string, string[]> = {
  staff_sessions: ['last_seen_at'],
  api_keys: ['last_used_at'],
  // The relay renews its lease on its own clock, whatever the requests do.
  outbox_sequence: ['lease_expires_at'],
  // So does the webhook delivery worker.
  webhook_worker_lease: ['lease_expires_at'],
};

interface Fixtures {
  productId: string;
  /** A paid order: fulfilment's, and the private topic a realtime token is asked for. */
  orderId: string;
  userId: string;
  keyId: string;
  webhookEndpointId: string;
}

interface Sample {
  url: string;
  body?: unknown;
  /** Headers the operation needs besides a credential (a precondition). */
  headers?: Record<string, string>;
}

/**
 * A request each operation would carry out for a caller allowed to (checked at the end with an admin).
 * A new mutating route without a sample here fails the test.
 */
const SAMPLES: Record<string, (fixtures: Fixtures) => Sample> = {
  'POST /v1/products': () => ({ url: '/v1/products', body: productInput() }),
  'PATCH /v1/products/:id': (f) => ({ url: `/v1/products/${f.productId}`, body: { priceMinor: 1, stock: 0 }, headers: { 'if-match': '*' } }),
  'DELETE /v1/products/:id': (f) => ({ url: `/v1/products/${f.productId}`, headers: { 'if-match': '*' } }),
  'POST /v1/products/bulk': (f) => ({ url: '/v1/products/bulk', body: { items: [{ id: f.productId, priceMinor: 1, stock: 0 }] } }),
  'POST /v1/products/reprice': () => ({ url: '/v1/products/reprice', body: { category: 'testing', change: { kind: 'percent', percent: '10' } } }),
  'POST /v1/staff-users': () => ({ url: '/v1/staff-users', body: { email: 'intruder@shop.test', role: 'admin', password: PASSWORD } }),
  'PATCH /v1/staff-users/:id': (f) => ({ url: `/v1/staff-users/${f.userId}`, body: { role: 'admin', disabled: false } }),
  'POST /v1/api-keys': () => ({ url: '/v1/api-keys', body: { name: 'intruder', scopes: [...API_KEY_SCOPES] } }),
  'DELETE /v1/api-keys/:id': (f) => ({ url: `/v1/api-keys/${f.keyId}` }),
  'POST /v1/auth/logout-everywhere': () => ({ url: '/v1/auth/logout-everywhere' }),
  // Writes nothing, but hands out access: refused like a write.
  'POST /v1/realtime/tokens': (f) => ({ url: '/v1/realtime/tokens', body: { topics: [`order:${f.orderId}`] } }),
  'POST /v1/orders/:id/fulfil': (f) => ({ url: `/v1/orders/${f.orderId}/fulfil` }),
  // Disabled, so that nothing is delivered to the documentation address they name.
  'POST /v1/webhook-endpoints': () => ({ url: '/v1/webhook-endpoints', body: { url: WEBHOOK_URL, enabled: false } }),
  'PATCH /v1/webhook-endpoints/:id': (f) => ({ url: `/v1/webhook-endpoints/${f.webhookEndpointId}`, body: { description: 'changed', topics: ['catalog'] } }),
  'DELETE /v1/webhook-endpoints/:id': (f) => ({ url: `/v1/webhook-endpoints/${f.webhookEndpointId}` }),
  'POST /v1/webhook-endpoints/:id/rotate-secret': (f) => ({ url: `/v1/webhook-endpoints/${f.webhookEndpointId}/rotate-secret` }),
  'POST /v1/webhook-endpoints/:id/replay': (f) => ({ url: `/v1/webhook-endpoints/${f.webhookEndpointId}/replay`, body: { fromSeq: 1 } }),
};

/** A public unicast address (documentation ranges count as reserved): passes the SSRF rules without an allow-list. */
const WEBHOOK_URL = 'https://93.184.216.34/hooks';

interface Operation {
  key: string;
  method: string;
  access: Access;
}

interface Caller {
  name: string;
  headers: Record<string, string>;
  status: 401 | 403;
}

let ctx: TestContext;
let pool: pg.Pool;
let app: FastifyInstance;
let userCount = 0;

beforeAll(async () => {
  ctx = await createTestContext('write-refusals');
  pool = testPool(ctx.databaseUrl);
  app = await ctx.app();
});

afterAll(async () => {
  await pool?.end();
  await ctx?.close();
});

async function staff(role: StaffRole) {
  userCount++;
  return createStaffUser({ pool, email: `refusals-${userCount}@shop.test`, password: PASSWORD, role, actor: SETUP });
}

async function signIn(role: StaffRole): Promise<{ userId: string; cookie: Record<string, string> }> {
  const user = await staff(role);
  const answer = await app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: user.email, password: PASSWORD } });
  expect(answer.statusCode, answer.body).toBe(200);
  return { userId: user.id, cookie: { cookie: String(answer.headers['set-cookie']).split(';')[0]! } };
}

async function createKey(admin: Record<string, string>, scopes: readonly ApiKeyScope[]): Promise<ApiKeyCreated> {
  const answer = await app.inject({ method: 'POST', url: '/v1/api-keys', headers: admin, payload: { name: `key ${scopes.join(' ')}`, scopes } });
  expect(answer.statusCode, answer.body).toBe(201);
  return answer.json<ApiKeyCreated>();
}

/** Every row of every table, in a stable order, bookkeeping columns left out. */
async function snapshot(): Promise<Record<string, string[]>> {
  const { rows: tables } = await pool.query<{ name: string }>(
    "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1",
  );
  const dump: Record<string, string[]> = {};
  for (const { name } of tables) {
    const { rows } = await pool.query<{ row: string }>(`SELECT (to_jsonb(t) - $1::text[])::text AS row FROM "${name}" t ORDER BY 1`, [BOOKKEEPING_COLUMNS[name] ?? []]);
    dump[name] = rows.map((row) => row.row);
  }
  return dump;
}

/** Mutating operations as the OpenAPI document lists them (`METHOD /path/:param`), with their security. */
function documentedOperations(): Map<string, unknown> {
  const document = app.swagger() as { paths: Record<string, Record<string, { security?: unknown }>> };
  const operations = new Map<string, unknown>();
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      if (MUTATING_METHODS.has(method.toUpperCase())) operations.set(`${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`, operation.security);
    }
  }
  return operations;
}

describe('every mutating operation, enumerated', () => {
  it('is refused with the envelope to strangers, lower roles, revoked and disabled sessions, revoked and out-of-scope keys, and changes no row', async () => {
    const documented = documentedOperations();
    const registered = app.routeAccess.filter((route) => MUTATING_METHODS.has(route.method));
    // The document and the router agree: nothing mutating is undocumented, nothing documented is unrouted.
    expect([...documented.keys()].sort()).toEqual(registered.map((route) => `${route.method} ${route.url}`).sort());
    const operations: Operation[] = [];
    for (const route of registered) {
      const key = `${route.method} ${route.url}`;
      if (PUBLIC_WRITES.has(key)) continue;
      const access = route.access!;
      expect(access, `${key} declares no access`).toBeDefined();
      // Shoppers' routes take a shopper session, not a staff credential (test/shoppers-ownership.test.ts).
      if (isShopperAccess(access)) {
        expect(documented.get(key), `${key}: OpenAPI security`).toEqual(SHOPPER_SECURITY);
        continue;
      }
      expect(documented.get(key), `${key}: OpenAPI security`).toEqual(securityOf(access));
      // The order's owner may call these too; everyone else gets 404 (test/order-ownership.test.ts).
      if (access.owner !== undefined) continue;
      operations.push({ key, method: route.method, access });
    }
    expect(operations.length).toBeGreaterThanOrEqual(10);
    expect(operations.map((operation) => operation.key).filter((key) => SAMPLES[key] === undefined), 'mutating routes without a sample request').toEqual([]);

    const admin = await signIn('admin');
    const productId = (await app.inject({ method: 'POST', url: '/v1/products', headers: admin.cookie, payload: productInput({ category: 'testing' }) })).json<Product>().id;
    const placed = await app.inject({ method: 'POST', url: '/v1/orders', payload: { items: [{ productId, quantity: 1 }] } });
    // Paid as the provider's webhook would leave it; the webhook itself is not what this test is about.
    await pool.query("UPDATE orders SET status = 'paid' WHERE id = $1", [placed.json<{ id: string }>().id]);
    const fixtures: Fixtures = {
      productId,
      orderId: placed.json<{ id: string }>().id,
      userId: (await staff('viewer')).id,
      keyId: (await createKey(admin.cookie, ['orders:read'])).id,
      webhookEndpointId: (await app.inject({ method: 'POST', url: '/v1/webhook-endpoints', headers: admin.cookie, payload: { url: WEBHOOK_URL, enabled: false } })).json<{ id: string }>().id,
    };
    const sessions = Object.fromEntries(await Promise.all(STAFF_ROLES.map(async (role) => [role, (await signIn(role)).cookie] as const)));
    // Admins, so that nothing but the revocation or the disable stands in their way.
    const loggedOut = await signIn('admin');
    expect((await app.inject({ method: 'POST', url: '/v1/auth/logout', headers: loggedOut.cookie })).statusCode).toBe(204);
    const disabled = await signIn('admin');
    expect((await app.inject({ method: 'PATCH', url: `/v1/staff-users/${disabled.userId}`, headers: admin.cookie, payload: { disabled: true } })).statusCode).toBe(200);
    // Disabling ends the user's sessions; a session that outlived it (never used, so never cached) is
    // refused for the disabled flag itself.
    const disabledKeptSession = await signIn('admin');
    await pool.query('UPDATE staff_users SET disabled = true WHERE id = $1', [disabledKeptSession.userId]);
    // Shoppers' sessions: a signed-up customer's and a guest's (from the first cart action).
    const customer = await app.inject({ method: 'POST', url: '/v1/customers', payload: { email: 'shopper@shop.test', password: PASSWORD } });
    expect(customer.statusCode, customer.body).toBe(201);
    const customerCookie = { cookie: String(customer.headers['set-cookie']).split(';')[0]! };
    const guest = await app.inject({ method: 'POST', url: '/v1/carts' });
    expect(guest.statusCode, guest.body).toBe(201);
    const guestCookie = { cookie: String(guest.headers['set-cookie']).split(';')[0]! };
    const revokedKey = await createKey(admin.cookie, API_KEY_SCOPES);
    expect((await app.inject({ method: 'DELETE', url: `/v1/api-keys/${revokedKey.id}`, headers: admin.cookie })).statusCode).toBe(200);
    /** For each scope, a key holding every other one; for routes keys may not call, one holding all. */
    const keysWithout = new Map<ApiKeyScope | undefined, string>();
    for (const scope of [...API_KEY_SCOPES, undefined]) {
      const scopes = API_KEY_SCOPES.filter((other) => other !== scope);
      if (scopes.length > 0) keysWithout.set(scope, (await createKey(admin.cookie, scopes)).key);
    }

    const callersOf = (access: Access): Caller[] => {
      const lowerRoles = STAFF_ROLES.slice(0, STAFF_ROLES.indexOf(access.role));
      const outOfScope = keysWithout.get(access.scope);
      return [
        { name: 'anonymous', headers: {}, status: 401 },
        { name: 'customer session', headers: customerCookie, status: 401 },
        { name: 'guest session', headers: guestCookie, status: 401 },
        ...lowerRoles.map((role): Caller => ({ name: `${role} session`, headers: sessions[role]!, status: 403 })),
        { name: 'logged-out admin session', headers: loggedOut.cookie, status: 401 },
        { name: 'disabled admin session', headers: disabled.cookie, status: 401 },
        { name: 'disabled admin, session kept', headers: disabledKeptSession.cookie, status: 401 },
        { name: 'revoked key', headers: { authorization: `Bearer ${revokedKey.key}` }, status: 403 },
        ...(outOfScope === undefined ? [] : [{ name: 'out-of-scope key', headers: { authorization: `Bearer ${outOfScope}` }, status: 403 } as Caller]),
      ];
    };

    const before = await snapshot();
    const counts = new Map<string, number>();
    let refusals = 0;
    for (const operation of operations) {
      const sample = SAMPLES[operation.key]!(fixtures);
      for (const caller of callersOf(operation.access)) {
        const what = `${caller.name}: ${operation.key}`;
        const answer = await app.inject({
          method: operation.method as 'POST',
          url: sample.url,
          headers: { ...sample.headers, ...caller.headers, ...(sample.body === undefined ? {} : { 'content-type': 'application/json' }) },
          ...(sample.body === undefined ? {} : { payload: JSON.stringify(sample.body) }),
        });
        expect(answer.statusCode, `${what} → ${answer.body}`).toBe(caller.status);
        expect(answer.json(), what).toMatchObject({ statusCode: caller.status, code: caller.status === 401 ? 'UNAUTHORIZED' : 'FORBIDDEN', message: expect.any(String) });
        if (caller.status === 401) expect(answer.headers['www-authenticate'], what).toMatch(/^Bearer /);
        counts.set(caller.name, (counts.get(caller.name) ?? 0) + 1);
        refusals++;
      }
    }
    expect(await snapshot()).toEqual(before);
    console.log(`[write-refusals] ${operations.length} mutating operations, ${refusals} refusals: ${[...counts].map(([name, count]) => `${name} ${count}`).join(', ')}`);
    expect(refusals).toBeGreaterThanOrEqual(operations.length * 9);

    // The same samples pass validation and reach the service: with an admin's session each is carried out
    // (deletions last, so that the other samples still find their product and key).
    const deletionsLast = [...operations].sort((x, y) => Number(x.method === 'DELETE') - Number(y.method === 'DELETE'));
    for (const operation of deletionsLast) {
      const sample = SAMPLES[operation.key]!(fixtures);
      const caller = (await signIn('admin')).cookie;
      const answer = await app.inject({
        method: operation.method as 'POST',
        url: sample.url,
        headers: { ...sample.headers, ...caller, ...(sample.body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(sample.body === undefined ? {} : { payload: JSON.stringify(sample.body) }),
      });
      expect(answer.statusCode, `admin: ${operation.key} → ${answer.body}`).toBeGreaterThanOrEqual(200);
      expect(answer.statusCode, `admin: ${operation.key} → ${answer.body}`).toBeLessThan(300);
    }
  });
});
