import type { Actor, ApiKeyCreated, AuditEntry, AuditPage, Product, StaffRole, StaffUser } from '@livecart/schemas';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type pg from 'pg';
import { waitUntil } from '@livecart/local-services/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError } from '../src/domain/errors.js';
import { createStaffUser } from '../src/services/staff/create-staff-user.js';
import { updateStaffUser } from '../src/services/staff/update-staff-user.js';
import { createTestContext, productInput, testPool, type TestContext } from './helpers.js';

const PASSWORD = 'plum-lantern-97-orbit';
const SETUP: Actor = { type: 'system', id: null, name: 'audit test setup' };
let ctx: TestContext;
let pool: pg.Pool;
let app: FastifyInstance;
let userCount = 0;

interface SignedIn {
  user: StaffUser;
  headers: Record<string, string>;
  actor: Actor;
}

beforeAll(async () => {
  ctx = await createTestContext('audit');
  pool = testPool(ctx.databaseUrl);
  app = await ctx.app({ LOGIN_MAX_FAILURES_PER_IP: '1000' });
});

afterAll(async () => {
  await pool.end();
  await ctx.close();
});

/** A new staff user of `role`, signed in; with a display name, the audit log and events name them by it. */
async function signIn(role: StaffRole, name?: string): Promise<SignedIn> {
  userCount++;
  const user = await createStaffUser({ pool, email: `audit-${userCount}@shop.test`, name, password: PASSWORD, role, actor: SETUP });
  const response = await app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: user.email, password: PASSWORD } });
  expect(response.statusCode, response.body).toBe(200);
  const cookie = String(response.headers['set-cookie']).split(';')[0] as string;
  return { user, headers: { cookie }, actor: { type: 'user', id: user.id, name: name ?? user.email } };
}

async function apiKey(admin: SignedIn, scopes: string[], name = `key ${scopes.join(' ')}`): Promise<{ key: ApiKeyCreated; headers: Record<string, string>; actor: Actor }> {
  const response = await app.inject({ method: 'POST', url: '/v1/api-keys', headers: admin.headers, payload: { name, scopes } });
  expect(response.statusCode, response.body).toBe(201);
  const key = response.json<ApiKeyCreated>();
  return { key, headers: { authorization: `Bearer ${key.key}` }, actor: { type: 'api_key', id: key.id, name: key.name } };
}

async function createProduct(headers: Record<string, string>, overrides: Parameters<typeof productInput>[0] = {}): Promise<Product> {
  const response = await app.inject({ method: 'POST', url: '/v1/products', headers, payload: productInput(overrides) });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<Product>();
}

interface AuditRow {
  id: number;
  action: string;
  subject_type: string;
  subject_id: string;
  change: unknown;
  actor_type: string;
  actor_id: string | null;
  actor_name: string;
  occurred_at: string;
  outbox_id: number | null;
}

interface OutboxRow {
  id: number;
  type: string;
  actor: Actor | null;
  occurred_at: string;
}

/** The audit rows of a subject, oldest first, with the outbox row of each one's event. */
async function recorded(subjectId: string): Promise<{ audit: AuditRow; event: OutboxRow | undefined }[]> {
  const { rows: audit } = await pool.query<AuditRow>('SELECT * FROM audit_log WHERE subject_id = $1 ORDER BY id', [subjectId]);
  const { rows: outbox } = await pool.query<OutboxRow>('SELECT id, type, actor, occurred_at FROM outbox WHERE id = ANY($1::bigint[])', [
    audit.map((row) => row.outbox_id).filter((id) => id !== null),
  ]);
  return audit.map((row) => ({ audit: row, event: outbox.find((event) => event.id === row.outbox_id) }));
}

/** The audit row and event of the last change to a subject, checked to name `actor` and to share one transaction. */
async function expectLastChange(subjectId: string, action: string, actor: Actor, eventType: string | null) {
  const last = (await recorded(subjectId)).at(-1);
  expect(last?.audit).toMatchObject({ action, actor_type: actor.type, actor_id: actor.id, actor_name: actor.name });
  if (eventType === null) {
    expect(last?.audit.outbox_id).toBeNull();
    return last?.audit;
  }
  expect(last?.event).toMatchObject({ type: eventType, actor });
  // Written by the same transaction as the change: one transaction clock (now() is the transaction's start).
  expect(last?.event?.occurred_at).toBe(last?.audit.occurred_at);
  return last?.audit;
}

function expectEnvelope(response: LightMyRequestResponse, status: number, field?: string) {
  expect(response.statusCode, response.body).toBe(status);
  const body = response.json<{ statusCode: number; details?: { field: string }[] }>();
  expect(body.statusCode).toBe(status);
  if (field !== undefined) expect(body.details?.map((detail) => detail.field)).toContain(field);
}

const audit = (query: string, headers: Record<string, string>) => app.inject({ url: `/v1/audit${query}`, headers });

describe('every write records its actor, with its event, in its own transaction', () => {
  let admin: SignedIn;
  let editor: SignedIn;
  let catalogKey: Awaited<ReturnType<typeof apiKey>>;

  beforeAll(async () => {
    admin = await signIn('admin');
    editor = await signIn('editor', 'Ada Editor');
    catalogKey = await apiKey(admin, ['catalog:write'], 'nightly import');
  });

  it('product create, update and delete by a staff user, named by their display name', async () => {
    expect(editor.actor.name).toBe('Ada Editor');
    const product = await createProduct(editor.headers, { priceMinor: 1200 });
    const created = await expectLastChange(product.id, 'product.created', editor.actor, 'product.created');
    expect(created?.change).toContainEqual({ field: 'priceMinor', from: null, to: 1200 });

    const patch = await app.inject({ method: 'PATCH', url: `/v1/products/${product.id}`, headers: { ...editor.headers, 'if-match': '*' }, payload: { priceMinor: 1000 } });
    expect(patch.statusCode).toBe(200);
    const updated = await expectLastChange(product.id, 'product.updated', editor.actor, 'product.updated');
    expect(updated?.change).toEqual([{ field: 'priceMinor', from: 1200, to: 1000 }]);

    expect((await app.inject({ method: 'DELETE', url: `/v1/products/${product.id}`, headers: { ...editor.headers, 'if-match': '*' } })).statusCode).toBe(204);
    const deleted = await expectLastChange(product.id, 'product.deleted', editor.actor, 'product.deleted');
    expect(deleted?.change).toContainEqual({ field: 'sku', from: product.sku, to: null });
  });

  it('product update, bulk update and category reprice by an API key', async () => {
    const category = `audit-key-${userCount}`;
    const [a, b] = [await createProduct(catalogKey.headers, { category, priceMinor: 1000 }), await createProduct(catalogKey.headers, { category, priceMinor: 2000 })];
    await expectLastChange(a!.id, 'product.created', catalogKey.actor, 'product.created');

    const stock = await app.inject({ method: 'PATCH', url: `/v1/products/${a!.id}`, headers: { ...catalogKey.headers, 'if-match': '*' }, payload: { stock: 3 } });
    expect(stock.statusCode).toBe(200);
    expect((await expectLastChange(a!.id, 'product.updated', catalogKey.actor, 'stock.changed'))?.change).toEqual([{ field: 'stock', from: 10, to: 3 }]);

    const bulk = await app.inject({
      method: 'POST',
      url: '/v1/products/bulk',
      headers: catalogKey.headers,
      payload: { items: [{ id: a!.id, priceMinor: 900 }, { id: b!.id, stock: 0 }] },
    });
    expect(bulk.statusCode, bulk.body).toBe(200);
    expect((await expectLastChange(a!.id, 'product.bulk_updated', catalogKey.actor, 'product.updated'))?.change).toEqual([{ field: 'priceMinor', from: 1000, to: 900 }]);
    expect((await expectLastChange(b!.id, 'product.bulk_updated', catalogKey.actor, 'stock.changed'))?.change).toEqual([{ field: 'stock', from: 10, to: 0 }]);

    const reprice = await app.inject({
      method: 'POST',
      url: '/v1/products/reprice',
      headers: catalogKey.headers,
      payload: { category, change: { kind: 'percent', percent: '10' } },
    });
    expect(reprice.statusCode, reprice.body).toBe(200);
    expect((await expectLastChange(a!.id, 'product.repriced', catalogKey.actor, 'product.updated'))?.change).toEqual([{ field: 'priceMinor', from: 900, to: 990 }]);
    expect((await expectLastChange(b!.id, 'product.repriced', catalogKey.actor, 'product.updated'))?.change).toEqual([{ field: 'priceMinor', from: 2000, to: 2200 }]);
  });

  it('an order placed by a shopper: the order (with its order.pending_payment event) and each product, as the guest', async () => {
    const product = await createProduct(editor.headers, { stock: 5 });
    const guest: Actor = { type: 'guest', id: null, name: 'guest' };
    const response = await app.inject({ method: 'POST', url: '/v1/orders', payload: { items: [{ productId: product.id, quantity: 2 }] } });
    expect(response.statusCode, response.body).toBe(201);
    const orderId = response.json<{ id: string }>().id;
    expect((await expectLastChange(product.id, 'order.placed', guest, 'stock.changed'))?.change).toEqual([{ field: 'stock', from: 5, to: 3 }]);
    const order = await expectLastChange(orderId, 'order.placed', guest, 'order.pending_payment');
    expect(order?.subject_type).toBe('order');
  });

  it('staff user create and update, API key create and revoke, sign out everywhere: by the admin who did it', async () => {
    const created = await app.inject({
      method: 'POST',
      url: '/v1/staff-users',
      headers: admin.headers,
      payload: { email: `made-${userCount}@shop.test`, name: 'Grace Viewer', role: 'viewer', password: PASSWORD },
    });
    expect(created.statusCode, created.body).toBe(201);
    const user = created.json<StaffUser>();
    expect(user.name).toBe('Grace Viewer');
    const creation = await expectLastChange(user.id, 'staff_user.created', admin.actor, null);
    expect(creation?.change).toContainEqual({ field: 'name', from: null, to: 'Grace Viewer' });
    expect(JSON.stringify(creation?.change)).not.toContain(PASSWORD);
    expect(JSON.stringify(creation?.change)).not.toMatch(/argon2|password/i);

    expect((await app.inject({ method: 'PATCH', url: `/v1/staff-users/${user.id}`, headers: admin.headers, payload: { role: 'editor', disabled: true } })).statusCode).toBe(200);
    expect((await expectLastChange(user.id, 'staff_user.updated', admin.actor, null))?.change).toEqual([
      { field: 'role', from: 'viewer', to: 'editor' },
      { field: 'disabled', from: false, to: true },
    ]);

    const key = await apiKey(admin, ['orders:read'], 'reporting');
    const keyCreation = await expectLastChange(key.key.id, 'api_key.created', admin.actor, null);
    expect(keyCreation?.change).toContainEqual({ field: 'scopes', from: null, to: ['orders:read'] });
    expect(JSON.stringify(keyCreation?.change)).not.toContain(key.key.key);
    expect((await app.inject({ method: 'DELETE', url: `/v1/api-keys/${key.key.id}`, headers: admin.headers })).statusCode).toBe(200);
    await expectLastChange(key.key.id, 'api_key.revoked', admin.actor, null);
    // Revoking again changes nothing, and records nothing.
    expect((await app.inject({ method: 'DELETE', url: `/v1/api-keys/${key.key.id}`, headers: admin.headers })).statusCode).toBe(200);
    expect(await recorded(key.key.id)).toHaveLength(2);

    const viewer = await signIn('viewer');
    expect((await app.inject({ method: 'POST', url: '/v1/auth/logout-everywhere', headers: viewer.headers })).statusCode).toBe(204);
    expect((await expectLastChange(viewer.user.id, 'staff_user.signed_out_everywhere', viewer.actor, null))?.change).toEqual([{ field: 'sessions', from: 1, to: 0 }]);
  });

  it('a write that fails records nothing: refused before the change, or rolled back at its commit', async () => {
    const product = await createProduct(editor.headers, { stock: 1 });
    const entryIds = async () => (await recorded(product.id)).map((entry) => entry.audit.id);
    const before = await entryIds();
    const stale = await app.inject({ method: 'PATCH', url: `/v1/products/${product.id}`, headers: { ...editor.headers, 'if-match': '"999"' }, payload: { priceMinor: 1 } });
    expectEnvelope(stale, 412);
    const missing = await app.inject({ method: 'POST', url: '/v1/products/bulk', headers: editor.headers, payload: { items: [{ id: product.id, stock: 9 }, { id: crypto.randomUUID(), stock: 1 }] } });
    expectEnvelope(missing, 404);
    const soldOut = await app.inject({ method: 'POST', url: '/v1/orders', payload: { items: [{ productId: product.id, quantity: 2 }] } });
    expectEnvelope(soldOut, 409);
    expect(await entryIds()).toEqual(before);

    // A failure at the very end, when the change commits (a deferred check on the product), undoes the
    // audit row and the event too: they are in the change's own transaction, not written beside it.
    await pool.query(`
      CREATE FUNCTION audit_test_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'refused by the test'; END $$;
      CREATE CONSTRAINT TRIGGER audit_test_refuse AFTER UPDATE ON products DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
        WHEN (NEW.name = 'explode') EXECUTE FUNCTION audit_test_refuse();`);
    try {
      const exploded = await app.inject({ method: 'PATCH', url: `/v1/products/${product.id}`, headers: { ...editor.headers, 'if-match': '*' }, payload: { name: 'explode' } });
      expectEnvelope(exploded, 500);
    } finally {
      await pool.query('DROP TRIGGER audit_test_refuse ON products; DROP FUNCTION audit_test_refuse();');
    }
    const { rows } = await pool.query<{ name: string; version: number }>('SELECT name, version FROM products WHERE id = $1', [product.id]);
    expect(rows[0]).toEqual({ name: product.name, version: product.version });
    expect(await entryIds()).toEqual(before);
    const { rows: events } = await pool.query(`SELECT 1 FROM outbox WHERE data->>'name' = 'explode'`);
    expect(events).toHaveLength(0);
  });
});

describe('GET /v1/audit', () => {
  let admin: SignedIn;
  let editor: SignedIn;
  let other: SignedIn;

  beforeAll(async () => {
    admin = await signIn('admin');
    editor = await signIn('editor');
    other = await signIn('editor');
  });

  async function page(query: string): Promise<AuditPage> {
    const response = await audit(query, admin.headers);
    expect(response.statusCode, response.body).toBe(200);
    return response.json<AuditPage>();
  }

  it("lists one product's changes, newest first, with who made them and their event's seq", async () => {
    const product = await createProduct(editor.headers, { priceMinor: 1200 });
    await app.inject({ method: 'PATCH', url: `/v1/products/${product.id}`, headers: { ...other.headers, 'if-match': '*' }, payload: { priceMinor: 1000 } });
    await createProduct(editor.headers); // another product: not listed
    const { items, nextCursor } = await page(`?productId=${product.id}`);
    expect(nextCursor).toBeNull();
    expect(items.map((entry) => [entry.action, entry.actor.name])).toEqual([
      ['product.updated', other.user.email],
      ['product.created', editor.user.email],
    ]);
    expect(items[0]).toMatchObject({ subject: { type: 'product', id: product.id }, change: [{ field: 'priceMinor', from: 1200, to: 1000 }], actor: other.actor });
    // Each entry names the seq of the event it published: the relay's, read back from the outbox.
    const { rows } = await pool.query<{ seq: number | null }>(`SELECT seq FROM outbox WHERE data->>'id' = $1 ORDER BY id DESC`, [product.id]);
    expect(items.map((entry) => entry.eventSeq)).toEqual(rows.map((row) => row.seq));
  });

  it('copies the seq onto the entry when the relay assigns it, so it outlives the pruned outbox row', async () => {
    const product = await createProduct(editor.headers);
    await waitUntil(async () => ((await pool.query('SELECT 1 FROM audit_log WHERE subject_id = $1 AND event_seq IS NOT NULL', [product.id])).rowCount === 1 ? true : undefined), {
      what: 'the relay to give the event its seq',
      timeoutMs: 10_000,
      intervalMs: 20,
    });
    const { rows } = await pool.query<{ seq: number }>(`SELECT seq FROM outbox WHERE data->>'id' = $1`, [product.id]);
    await pool.query(`DELETE FROM outbox WHERE data->>'id' = $1`, [product.id]);
    expect((await page(`?productId=${product.id}`)).items.map((entry) => entry.eventSeq)).toEqual([rows[0]?.seq]);
  });

  it("lists one actor's changes: a user, an API key, the guest", async () => {
    const mine = await signIn('editor');
    const a = await createProduct(mine.headers);
    const b = await createProduct(mine.headers);
    await createProduct(editor.headers);
    const byUser = await page(`?actorType=user&actorId=${mine.user.id}`);
    expect(byUser.items.map((entry) => entry.subject.id)).toEqual([b.id, a.id]);

    const key = await apiKey(admin, ['catalog:write']);
    const c = await createProduct(key.headers);
    expect((await page(`?actorType=api_key&actorId=${key.key.id}`)).items.map((entry) => [entry.action, entry.subject.id])).toEqual([['product.created', c.id]]);
    // The admin's own actions: the key's creation.
    expect((await page(`?actorType=user&actorId=${admin.user.id}`)).items.map((entry) => entry.action)).toContain('api_key.created');

    await app.inject({ method: 'POST', url: '/v1/orders', payload: { items: [{ productId: c.id, quantity: 1 }] } });
    const byGuest = await page('?actorType=guest');
    expect(byGuest.items.length).toBeGreaterThan(0);
    expect(byGuest.items.every((entry) => entry.actor.type === 'guest' && entry.action === 'order.placed')).toBe(true);
    // Both filters at once: that product's changes by that actor.
    expect((await page(`?productId=${c.id}&actorType=guest`)).items.map((entry) => entry.subject.id)).toEqual([c.id]);
  });

  it('pages without duplicates or gaps while changes keep arriving', async () => {
    const product = await createProduct(editor.headers);
    for (let i = 0; i < 23; i++) {
      const response = await app.inject({ method: 'PATCH', url: `/v1/products/${product.id}`, headers: { ...editor.headers, 'if-match': '*' }, payload: { stock: i } });
      expect(response.statusCode).toBe(200);
    }
    const existing = (await pool.query<{ id: number }>('SELECT id FROM audit_log WHERE subject_id = $1 ORDER BY id DESC', [product.id])).rows.map((row) => row.id);
    expect(existing).toHaveLength(24);

    const seen: number[] = [];
    let cursor: string | null = null;
    let writes = 0;
    do {
      const query: string = `?productId=${product.id}&limit=5${cursor === null ? '' : `&cursor=${cursor}`}`;
      // A change lands concurrently with each page read.
      const [response]: [LightMyRequestResponse, unknown] = await Promise.all([
        audit(query, admin.headers),
        app.inject({ method: 'PATCH', url: `/v1/products/${product.id}`, headers: { ...editor.headers, 'if-match': '*' }, payload: { stock: 100 + writes++ } }),
      ]);
      expect(response.statusCode, response.body).toBe(200);
      const result: AuditPage = response.json<AuditPage>();
      expect(result.items.length).toBeLessThanOrEqual(5);
      seen.push(...result.items.map((entry: AuditEntry) => entry.id));
      cursor = result.nextCursor;
    } while (cursor !== null);

    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual([...seen].sort((x, y) => y - x));
    // Everything that existed when the walk began is there, once; what arrived meanwhile is newer.
    expect(seen.filter((id) => id <= existing[0]!)).toEqual(existing);
  });

  it('admins and keys with audit:read only', async () => {
    const viewer = await signIn('viewer');
    expectEnvelope(await audit('', {}), 401);
    expectEnvelope(await audit('', viewer.headers), 403);
    expectEnvelope(await audit('', editor.headers), 403);
    const catalog = await apiKey(admin, ['catalog:write']);
    expectEnvelope(await audit('', catalog.headers), 403);
    const reader = await apiKey(admin, ['audit:read']);
    expect((await audit('?limit=1', reader.headers)).statusCode).toBe(200);
  });

  it('refuses bad parameters and cursors with a 400 naming the field', async () => {
    const product = await createProduct(editor.headers);
    for (let i = 0; i < 2; i++) await app.inject({ method: 'PATCH', url: `/v1/products/${product.id}`, headers: { ...editor.headers, 'if-match': '*' }, payload: { stock: i } });
    const first = await page(`?productId=${product.id}&limit=1`);
    expect(first.nextCursor).not.toBeNull();
    expectEnvelope(await audit(`?actorType=guest&limit=1&cursor=${first.nextCursor}`, admin.headers), 400, 'query.cursor');
    expectEnvelope(await audit(`?productId=${product.id}&cursor=bm90LWEtY3Vyc29y`, admin.headers), 400, 'query.cursor');
    expectEnvelope(await audit('?cursor=not%20base64', admin.headers), 400);
    expectEnvelope(await audit('?limit=201', admin.headers), 400);
    expectEnvelope(await audit('?limit=0', admin.headers), 400);
    expectEnvelope(await audit('?productId=not-a-uuid', admin.headers), 400);
    expectEnvelope(await audit('?actorType=robot', admin.headers), 400);
    expectEnvelope(await audit(`?actorId=${admin.user.id}`, admin.headers), 400, 'query.actorType');
    expectEnvelope(await audit('?actorType=user', admin.headers), 400, 'query.actorId');
    expectEnvelope(await audit(`?actorType=guest&actorId=${admin.user.id}`, admin.headers), 400, 'query.actorId');
    expectEnvelope(await audit('?subjectId=x', admin.headers), 400);
  });

  it('is in the OpenAPI document with its query, page schema and security', () => {
    const document = app.swagger() as { paths: Record<string, Record<string, { operationId?: string; parameters?: { name: string }[]; security?: unknown }>> };
    const operation = document.paths['/v1/audit/']?.get ?? document.paths['/v1/audit']?.get;
    expect(operation?.operationId).toBe('listAuditEntries');
    expect(operation?.parameters?.map((parameter) => parameter.name).sort()).toEqual(['actorId', 'actorType', 'cursor', 'limit', 'productId']);
    expect(operation?.security).toEqual([{ staffSession: ['admin'] }, { apiKey: ['audit:read'] }]);
  });
});

describe('the last enabled admin', () => {
  it('can be neither demoted nor disabled (409, nothing changed); another admin first makes it possible', async () => {
    await pool.query(`UPDATE staff_users SET disabled = true WHERE role = 'admin'`);
    const admin = await signIn('admin');
    const attempts = [{ role: 'editor' }, { disabled: true }, { role: 'viewer', disabled: true }];
    for (const payload of attempts) {
      const response = await app.inject({ method: 'PATCH', url: `/v1/staff-users/${admin.user.id}`, headers: admin.headers, payload });
      expectEnvelope(response, 409, 'disabled' in payload ? 'body.disabled' : 'body.role');
    }
    const { rows } = await pool.query<{ role: string; disabled: boolean }>('SELECT role, disabled FROM staff_users WHERE id = $1', [admin.user.id]);
    expect(rows[0]).toEqual({ role: 'admin', disabled: false });
    expect(await pool.query('SELECT 1 FROM audit_log WHERE subject_id = $1 AND action = $2', [admin.user.id, 'staff_user.updated'])).toMatchObject({ rowCount: 0 });

    // Re-enabling a disabled admin is always allowed; then the first may step down.
    const { rows: disabled } = await pool.query<{ id: string }>(`SELECT id FROM staff_users WHERE role = 'admin' AND disabled ORDER BY id LIMIT 1`);
    const enable = await app.inject({ method: 'PATCH', url: `/v1/staff-users/${disabled[0]!.id}`, headers: admin.headers, payload: { disabled: false } });
    expect(enable.statusCode, enable.body).toBe(200);
    const demote = await app.inject({ method: 'PATCH', url: `/v1/staff-users/${admin.user.id}`, headers: admin.headers, payload: { role: 'editor' } });
    expect(demote.statusCode, demote.body).toBe(200);
  });

  it('two admins demoting each other at once: one succeeds, one is refused', async () => {
    await pool.query(`UPDATE staff_users SET disabled = true WHERE role = 'admin'`);
    const [a, b] = [await signIn('admin'), await signIn('admin')];
    // The services themselves, side by side: each request's own check of its caller would pass (both are admins).
    const results = await Promise.allSettled([
      updateStaffUser({ pool, id: b.user.id, role: 'viewer', actor: a.actor }),
      updateStaffUser({ pool, id: a.user.id, role: 'viewer', actor: b.actor }),
    ]);
    expect(results.map((result) => result.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(results.find((result) => result.status === 'rejected')?.reason).toBeInstanceOf(ConflictError);
    const { rows } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM staff_users WHERE role = 'admin' AND NOT disabled`);
    expect(rows[0]?.n).toBe(1);
  });
});
