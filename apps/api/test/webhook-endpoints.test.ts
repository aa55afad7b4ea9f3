import type { Actor, ApiKeyCreated, AuditPage, StaffRole, WebhookDeliveryPage, WebhookEndpoint, WebhookEndpointList, WebhookEndpointWithSecret } from '@livecart/schemas';
import { waitUntil } from '@livecart/local-services/testing';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isForeignKeyViolation } from '../src/db/pg-errors.js';
import { createStaffUser } from '../src/services/staff/create-staff-user.js';
import { DELIVERY_LOG_ENDPOINT_KEY } from '../src/webhooks/worker-sql.js';
import { AUTH, createProductVia, createTestContext, testPool, type TestContext } from './helpers.js';
import { startReceiver } from './webhook-receiver.js';

const PASSWORD = 'quartz-heron-41-meadow';
const SETUP: Actor = { type: 'system', id: null, name: 'webhook test setup' };
const LOOPBACK = '127.0.0.0/8,::1/128';

let ctx: TestContext;
let app: FastifyInstance;
let strict: FastifyInstance;
let pool: ReturnType<typeof testPool>;
let users = 0;

beforeAll(async () => {
  ctx = await createTestContext('webhook-endpoints');
  // `app` registers with loopback allowed; the one worker of this database runs in `strict`, where it is not.
  app = await ctx.app({ WEBHOOK_WORKER_ENABLED: 'false', WEBHOOK_ALLOW_HTTP: 'true', WEBHOOK_ALLOWED_NETWORKS: LOOPBACK });
  strict = await ctx.app({ WEBHOOK_ALLOW_HTTP: 'true', WEBHOOK_POLL_MS: '50', WEBHOOK_RETRY_BASE_MS: '50', WEBHOOK_RETRY_MAX_MS: '100' });
  pool = testPool(ctx.databaseUrl);
});
afterAll(async () => {
  await pool.end();
  await ctx.close();
});

async function signIn(role: StaffRole): Promise<Record<string, string>> {
  users++;
  const user = await createStaffUser({ pool, email: `hooks-${users}@shop.test`, password: PASSWORD, role, actor: SETUP });
  const response = await app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: user.email, password: PASSWORD } });
  expect(response.statusCode, response.body).toBe(200);
  return { cookie: String(response.headers['set-cookie']).split(';')[0] as string };
}

let keyMaker: Record<string, string> | undefined;

/** An endpoint's secrets as the database holds them (sealed). */
async function storedSecrets(id: string): Promise<{ secret: string; previous: string | null }> {
  const { rows } = await pool.query<{ secret: string; previous: string | null }>('SELECT secret, previous_secret AS previous FROM webhook_endpoints WHERE id = $1', [id]);
  return rows[0]!;
}

async function keyWith(scopes: string[]): Promise<Record<string, string>> {
  keyMaker ??= await signIn('admin');
  const response = await app.inject({ method: 'POST', url: '/v1/api-keys', headers: keyMaker, payload: { name: `hooks ${scopes.join(' ')}`, scopes } });
  expect(response.statusCode, response.body).toBe(201);
  return { authorization: `Bearer ${response.json<ApiKeyCreated>().key}` };
}

async function customerSession(): Promise<Record<string, string>> {
  users++;
  const response = await app.inject({ method: 'POST', url: '/v1/customers', payload: { email: `shopper-${users}@shop.test`, password: PASSWORD } });
  expect(response.statusCode, response.body).toBe(201);
  return { cookie: String(response.headers['set-cookie']).split(';')[0] as string };
}

function expectEnvelope(response: LightMyRequestResponse, statusCode: number, field?: string): void {
  expect(response.statusCode, response.body).toBe(statusCode);
  const body = response.json<{ statusCode: number; message: string; details?: { field: string }[] }>();
  expect(body.statusCode).toBe(statusCode);
  expect(body.message).toEqual(expect.any(String));
  if (field !== undefined) expect(body.details?.map((detail) => detail.field)).toContain(field);
}

async function create(payload: Record<string, unknown>, headers: Record<string, string> = AUTH, on = app): Promise<LightMyRequestResponse> {
  return on.inject({ method: 'POST', url: '/v1/webhook-endpoints', headers, payload });
}

async function created(payload: Record<string, unknown> = {}): Promise<WebhookEndpointWithSecret> {
  const response = await create({ url: 'http://localhost:9/hooks', ...payload });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<WebhookEndpointWithSecret>();
}

const rowCount = async () => (await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM webhook_endpoints')).rows[0]?.n ?? 0;
const auditActions = async (id: string) =>
  (await pool.query<{ action: string }>("SELECT action FROM audit_log WHERE subject_type = 'webhook_endpoint' AND subject_id = $1 ORDER BY id", [id])).rows.map((row) => row.action);

describe('webhook endpoints API', () => {
  it('shows the signing secret once, at creation, and never again', async () => {
    const endpoint = await created({ description: 'ERP sync', eventTypes: ['stock.changed', 'stock.changed', 'product.updated'], topics: ['catalog'] });
    expect(endpoint.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(endpoint).toMatchObject({ description: 'ERP sync', eventTypes: ['stock.changed', 'product.updated'], topics: ['catalog'], maxBatchSize: 1, enabled: true, disabledReason: null, failingSince: null });
    const one = await app.inject({ method: 'GET', url: `/v1/webhook-endpoints/${endpoint.id}`, headers: AUTH });
    const all = await app.inject({ method: 'GET', url: '/v1/webhook-endpoints', headers: AUTH });
    const deliveries = await app.inject({ method: 'GET', url: `/v1/webhook-endpoints/${endpoint.id}/deliveries`, headers: AUTH });
    const audit = await app.inject({ method: 'GET', url: '/v1/audit', headers: AUTH });
    for (const response of [one, all, deliveries, audit]) {
      expect(response.statusCode, response.body).toBe(200);
      expect(response.body).not.toContain(endpoint.secret);
      expect(response.body).not.toContain(endpoint.secret.slice(6, 30));
    }
    expect(one.headers['cache-control']).toBe('no-store');
    expect(all.json<WebhookEndpointList>().items.map((item) => item.id)).toContain(endpoint.id);
    expect(await auditActions(endpoint.id)).toEqual(['webhook_endpoint.created']);
  });

  it('rotates the secret: a new one, shown in that answer only, audited without it', async () => {
    const endpoint = await created();
    const before = await storedSecrets(endpoint.id);
    const rotated = await app.inject({ method: 'POST', url: `/v1/webhook-endpoints/${endpoint.id}/rotate-secret`, headers: AUTH });
    expect(rotated.statusCode, rotated.body).toBe(200);
    const { secret } = rotated.json<WebhookEndpointWithSecret>();
    expect(secret).toMatch(/^whsec_/);
    expect(secret).not.toBe(endpoint.secret);
    const after = await storedSecrets(endpoint.id);
    // Stored sealed (webhook-secret-sealing.test.ts): the replaced one moves over as it was.
    expect(after.previous).toBe(before.secret);
    expect(after.secret).not.toBe(before.secret);
    expect(after.secret).not.toContain(secret.slice(6, 30));
    const audit = await app.inject({ method: 'GET', url: '/v1/audit', headers: AUTH });
    expect(audit.body).not.toContain(secret.slice(6, 30));
    expect(await auditActions(endpoint.id)).toEqual(['webhook_endpoint.created', 'webhook_endpoint.secret_rotated']);
  });

  it('changes fields, disables and enables, and deletes, each audited', async () => {
    const endpoint = await created({ eventTypes: ['product.created'] });
    const patch = (payload: Record<string, unknown>) => app.inject({ method: 'PATCH', url: `/v1/webhook-endpoints/${endpoint.id}`, headers: AUTH, payload });
    const changed = await patch({ eventTypes: null, topics: ['catalog'], description: 'all of the catalog' });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json<WebhookEndpoint>()).toMatchObject({ eventTypes: null, topics: ['catalog'], description: 'all of the catalog' });
    expect((await patch({ maxBatchSize: 250 })).json<WebhookEndpoint>()).toMatchObject({ maxBatchSize: 250, topics: ['catalog'] });
    expect((await patch({ enabled: false })).json<WebhookEndpoint>()).toMatchObject({ enabled: false, disabledReason: 'manual', maxBatchSize: 250 });
    expect((await patch({ enabled: true })).json<WebhookEndpoint>()).toMatchObject({ enabled: true, disabledReason: null });
    const removed = await app.inject({ method: 'DELETE', url: `/v1/webhook-endpoints/${endpoint.id}`, headers: AUTH });
    expect(removed.statusCode, removed.body).toBe(204);
    expectEnvelope(await app.inject({ method: 'GET', url: `/v1/webhook-endpoints/${endpoint.id}`, headers: AUTH }), 404);
    // A worker logging a delivery to it as it goes meets this reference, which it takes for "deleted".
    const late = await pool
      .query("INSERT INTO webhook_deliveries (endpoint_id, message_id, type, attempt, latency_ms, succeeded) VALUES ($1, 'msg_late', 'product.updated', 1, 5, true)", [endpoint.id])
      .catch((error: unknown) => error);
    expect(isForeignKeyViolation(late, DELIVERY_LOG_ENDPOINT_KEY), String(late)).toBe(true);
    expect(await auditActions(endpoint.id)).toEqual([
      'webhook_endpoint.created',
      'webhook_endpoint.updated',
      'webhook_endpoint.updated',
      'webhook_endpoint.updated',
      'webhook_endpoint.updated',
      'webhook_endpoint.deleted',
    ]);
  });

  it('refuses bad input with a 4xx naming the field, and stores nothing', async () => {
    const before = await rowCount();
    expectEnvelope(await create({ url: 'not a url' }), 400, 'body.url');
    expectEnvelope(await create({ url: 'ftp://localhost/hooks' }), 400, 'body.url');
    expectEnvelope(await create({ url: 'https://user:pw@example.com/hooks' }), 400, 'body.url');
    expectEnvelope(await create({ url: 'http://localhost:9/hooks', eventTypes: ['product.exploded'] }), 400);
    expectEnvelope(await create({ url: 'http://localhost:9/hooks', topics: ['everything'] }), 400);
    expectEnvelope(await create({ url: 'http://localhost:9/hooks', eventTypes: [] }), 400);
    expectEnvelope(await create({ url: 'http://localhost:9/hooks', secret: 'mine' }), 400);
    expectEnvelope(await create({ url: 'http://localhost:9/hooks', maxBatchSize: 0 }), 400, 'body.maxBatchSize');
    expectEnvelope(await create({ url: 'http://localhost:9/hooks', maxBatchSize: 1_001 }), 400, 'body.maxBatchSize');
    expectEnvelope(await create({ url: 'http://localhost:9/hooks', maxBatchSize: 2.5 }), 400, 'body.maxBatchSize');
    const endpoint = await created();
    expectEnvelope(await app.inject({ method: 'PATCH', url: `/v1/webhook-endpoints/${endpoint.id}`, headers: AUTH, payload: {} }), 400);
    expectEnvelope(await app.inject({ method: 'POST', url: `/v1/webhook-endpoints/${endpoint.id}/replay`, headers: AUTH, payload: { fromSeq: 0 } }), 400);
    expectEnvelope(await app.inject({ method: 'POST', url: `/v1/webhook-endpoints/${endpoint.id}/replay`, headers: AUTH, payload: { fromSeq: 1_000_000 } }), 422, 'body.fromSeq');
    expectEnvelope(await app.inject({ method: 'GET', url: '/v1/webhook-endpoints/not-a-uuid', headers: AUTH }), 400);
    expect(await rowCount()).toBe(before + 1);
  });
});

describe('SSRF rules at registration', () => {
  it('refuses hosts that resolve to loopback, private, link-local or metadata addresses without the allow-list', async () => {
    const before = await rowCount();
    const refused = [
      'https://localhost/hooks', // a name that resolves to 127.0.0.1
      'https://127.0.0.1/hooks',
      'https://[::1]/hooks',
      'https://[::ffff:127.0.0.1]/hooks',
      'https://10.1.2.3/hooks',
      'https://192.168.0.10/hooks',
      'https://172.16.5.4/hooks',
      'https://169.254.169.254/latest/meta-data',
      'https://100.100.100.200/hooks',
      'https://[fd00::1]/hooks',
      'https://0.0.0.0/hooks',
    ];
    for (const url of refused) expectEnvelope(await create({ url }, AUTH, strict), 422, 'body.url');
    // A changed URL passes the same rules.
    const endpoint = await created();
    expectEnvelope(await strict.inject({ method: 'PATCH', url: `/v1/webhook-endpoints/${endpoint.id}`, headers: AUTH, payload: { url: 'https://10.0.0.1/x' } }), 422, 'body.url');
    expect((await strict.inject({ method: 'GET', url: `/v1/webhook-endpoints/${endpoint.id}`, headers: AUTH })).json<WebhookEndpoint>().url).toBe(endpoint.url);
    expect(await rowCount()).toBe(before + 1);
  });

  it('refuses plain http unless allowed, and takes loopback only where its network is allowed', async () => {
    const https = await ctx.app({ WEBHOOK_WORKER_ENABLED: 'false' });
    expectEnvelope(await create({ url: 'http://93.184.216.34/hooks' }, AUTH, https), 422, 'body.url');
    expect((await create({ url: 'https://93.184.216.34/hooks' }, AUTH, https)).statusCode).toBe(201);
    expect((await create({ url: 'http://localhost:9/hooks' })).statusCode).toBe(201);
    expectEnvelope(await create({ url: 'http://10.0.0.1/hooks' }), 422, 'body.url');
  });
});

describe('SSRF rules at delivery', () => {
  it('refuses to deliver to a host that resolves to loopback, although it was allowed when registered', async () => {
    const inside = await startReceiver();
    try {
      // Registered where loopback was allowed; the worker that delivers does not allow it (as if the name
      // had been pointed inward after registration).
      const endpoint = (await create({ url: inside.url })).json<WebhookEndpointWithSecret>();
      await createProductVia(app);
      const refused = await waitUntil(async () => {
        const log = await app.inject({ method: 'GET', url: `/v1/webhook-endpoints/${endpoint.id}/deliveries`, headers: AUTH });
        return log.json<WebhookDeliveryPage>().items.find((attempt) => attempt.error?.startsWith('refused:'));
      }, { what: 'a refused delivery', timeoutMs: 15_000, intervalMs: 50 });
      expect(refused).toMatchObject({ succeeded: false, statusCode: null });
      expect(refused.error).toMatch(/localhost resolves to a non-public address \(.+ is a loopback address\)/);
      expect(inside.requests).toHaveLength(0);
    } finally {
      await inside.close();
    }
  });
});

describe('who may manage webhooks', () => {
  it('admins and keys with webhooks:manage; nobody else, and a refusal changes nothing', async () => {
    const admin = await signIn('admin');
    expect((await create({ url: 'http://localhost:9/a' }, admin)).statusCode).toBe(201);
    const manager = await keyWith(['webhooks:manage']);
    expect((await create({ url: 'http://localhost:9/b' }, manager)).statusCode).toBe(201);

    const endpoint = await created();
    const stored = await storedSecrets(endpoint.id);
    const before = await rowCount();
    const editor = await signIn('editor');
    const viewer = await signIn('viewer');
    const catalogKey = await keyWith(['catalog:write', 'audit:read']);
    const shopper = await customerSession();
    const refusals: [Record<string, string>, number[]][] = [
      [{}, [401]],
      [{ authorization: 'Bearer lck_not-a-real-key-0000000000' }, [401, 403]],
      [editor, [403]],
      [viewer, [403]],
      [catalogKey, [403]],
      [shopper, [401, 403]],
    ];
    for (const [headers, statuses] of refusals) {
      const answers = [
        await create({ url: 'http://localhost:9/c' }, headers),
        await app.inject({ method: 'GET', url: '/v1/webhook-endpoints', headers }),
        await app.inject({ method: 'GET', url: `/v1/webhook-endpoints/${endpoint.id}`, headers }),
        await app.inject({ method: 'PATCH', url: `/v1/webhook-endpoints/${endpoint.id}`, headers, payload: { enabled: false } }),
        await app.inject({ method: 'POST', url: `/v1/webhook-endpoints/${endpoint.id}/rotate-secret`, headers }),
        await app.inject({ method: 'POST', url: `/v1/webhook-endpoints/${endpoint.id}/replay`, headers, payload: { fromSeq: 1 } }),
        await app.inject({ method: 'GET', url: `/v1/webhook-endpoints/${endpoint.id}/deliveries`, headers }),
        await app.inject({ method: 'DELETE', url: `/v1/webhook-endpoints/${endpoint.id}`, headers }),
      ];
      for (const answer of answers) {
        expect(statuses, `${answer.statusCode} ${answer.body}`).toContain(answer.statusCode);
        expect(answer.body).not.toContain('whsec_');
      }
    }
    expect(await rowCount()).toBe(before);
    const after = await pool.query<{ enabled: boolean; secret: string }>('SELECT enabled, secret FROM webhook_endpoints WHERE id = $1', [endpoint.id]);
    expect(after.rows[0]).toEqual({ enabled: true, secret: stored.secret });
    expect(await auditActions(endpoint.id)).toEqual(['webhook_endpoint.created']);
  });

  it('records who made each change', async () => {
    const manager = await keyWith(['webhooks:manage']);
    const response = await create({ url: 'http://localhost:9/d' }, manager);
    const { id } = response.json<WebhookEndpointWithSecret>();
    const audit = await app.inject({ method: 'GET', url: '/v1/audit', headers: AUTH });
    const entry = audit.json<AuditPage>().items.find((item) => item.subject.id === id);
    expect(entry).toMatchObject({ action: 'webhook_endpoint.created', actor: { type: 'api_key', name: 'hooks webhooks:manage' } });
    expect(entry?.change).toContainEqual({ field: 'url', from: null, to: 'http://localhost:9/d' });
  });

  it('gives realtime tokens for an endpoint\'s private topic to those who manage webhooks only', async () => {
    const endpoint = await created();
    const topics = [`webhook_endpoint:${endpoint.id}`];
    const mint = (headers: Record<string, string>, topicList = topics) => app.inject({ method: 'POST', url: '/v1/realtime/tokens', headers, payload: { topics: topicList } });
    expect((await mint(await signIn('admin'))).statusCode).toBe(200);
    expect((await mint(await keyWith(['webhooks:manage', 'orders:read']))).statusCode).toBe(200);
    expect((await mint(await signIn('editor'))).statusCode).toBe(403);
    expect((await mint(await keyWith(['orders:read']))).statusCode).toBe(403);
    expect((await mint(await customerSession())).statusCode).toBe(403);
    expect((await mint(await signIn('admin'), ['webhook_endpoint:00000000-0000-4000-8000-000000000000'])).statusCode).toBe(403);
  });
});
