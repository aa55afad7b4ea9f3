import { randomBytes } from 'node:crypto';
import { waitUntil } from '@livecart/local-services/testing';
import type { WebhookDeliveryPage, WebhookEndpointWithSecret } from '@livecart/schemas';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSecretSealer, parseSealingKeys } from '../src/webhooks/secret-sealer.js';
import { AUTH, createProductVia, createTestContext, testPool, type TestContext } from './helpers.js';
import { deduplicated, startReceiver, verifyMessage, type Receiver, LOOPBACK_WEBHOOKS } from './webhook-receiver.js';

/**
 * Webhook secrets at rest: the database holds them sealed under WEBHOOK_SECRET_KEYS, bound to their
 * endpoint; an api re-seals them under a new first key when it starts, and deliveries keep verifying with
 * the secret the endpoint was given throughout.
 */

const ring = (...ids: string[]) => ids.map((id) => `${id}:${KEYS[id]!}`).join(',');
const KEYS: Record<string, string> = { k1: randomBytes(32).toString('base64'), k2: randomBytes(32).toString('base64'), k3: randomBytes(32).toString('base64') };
const FAST = { ...LOOPBACK_WEBHOOKS, WEBHOOK_POLL_MS: '50', WEBHOOK_RETRY_BASE_MS: '50', WEBHOOK_RETRY_MAX_MS: '100' };

let ctx: TestContext;
let pool: ReturnType<typeof testPool>;
const receivers: Receiver[] = [];

beforeAll(async () => {
  ctx = await createTestContext('webhook-secret-sealing');
  pool = testPool(ctx.databaseUrl);
});
afterAll(async () => {
  await Promise.all(receivers.map((receiver) => receiver.close()));
  await pool.end();
  await ctx.close();
});

interface Registered {
  endpoint: WebhookEndpointWithSecret;
  /** The endpoint's own receiver. */
  receiver: Receiver;
}

const stored = async (id: string) =>
  (await pool.query<{ secret: string; previous: string | null; updatedAt: Date }>('SELECT secret, previous_secret AS previous, updated_at AS "updatedAt" FROM webhook_endpoints WHERE id = $1', [id])).rows[0]!;

async function register(app: FastifyInstance): Promise<Registered> {
  const receiver = await startReceiver();
  receivers.push(receiver);
  const answer = await app.inject({ method: 'POST', url: '/v1/webhook-endpoints', headers: AUTH, payload: { url: receiver.url, eventTypes: ['product.created'] } });
  expect(answer.statusCode, answer.body).toBe(201);
  return { endpoint: answer.json<WebhookEndpointWithSecret>(), receiver };
}

/** A product created through `app`, and the message `receiver` accepted for it, verified with `secret`. */
async function deliveredWith(app: FastifyInstance, receiver: Receiver, secret: string): Promise<void> {
  const product = await createProductVia(app, { stock: 1 });
  const message = await waitUntil(() => deduplicated(receiver).find((candidate) => candidate.body.includes(product.id)), { what: `the delivery of ${product.id}`, timeoutMs: 15_000 });
  expect(() => verifyMessage(secret, message)).not.toThrow();
}

describe('webhook secrets at rest', () => {
  it('are stored sealed under the first key and bound to their endpoint; a rotation seals the new one too', async () => {
    const app = await ctx.app({ ...FAST, WEBHOOK_SECRET_KEYS: ring('k1') });
    const { endpoint, receiver } = await register(app);
    const row = await stored(endpoint.id);
    expect(row.secret).toMatch(/^sealed1\.k1\./);
    expect(row.secret).not.toContain(endpoint.secret.slice(6, 26));
    const sealer = createSecretSealer(parseSealingKeys(ring('k1')));
    expect(sealer.open(row.secret, endpoint.id)).toBe(endpoint.secret);
    const { rows: others } = await pool.query<{ id: string }>('SELECT gen_random_uuid() AS id');
    expect(() => sealer.open(row.secret, others[0]!.id)).toThrow();
    await deliveredWith(app, receiver, endpoint.secret);

    const rotated = await app.inject({ method: 'POST', url: `/v1/webhook-endpoints/${endpoint.id}/rotate-secret`, headers: AUTH });
    const { secret } = rotated.json<WebhookEndpointWithSecret>();
    const after = await stored(endpoint.id);
    expect(after.previous).toBe(row.secret);
    expect(sealer.open(after.secret, endpoint.id)).toBe(secret);
    await deliveredWith(app, receiver, secret);
    await app.inject({ method: 'DELETE', url: `/v1/webhook-endpoints/${endpoint.id}`, headers: AUTH });
    await app.close();
  });

  it('are sealed anew when an api starts with a new first key, or finds one stored in clear, and keep verifying', async () => {
    const before = await ctx.app({ ...FAST, WEBHOOK_SECRET_KEYS: ring('k1') });
    const { endpoint, receiver } = await register(before);
    const { endpoint: legacy, receiver: legacyReceiver } = await register(before);
    await before.close();
    // A secret stored in clear, as before sealing existed.
    await pool.query('UPDATE webhook_endpoints SET secret = $2 WHERE id = $1', [legacy.id, legacy.secret]);
    const untouched = await stored(endpoint.id);

    const after = await ctx.app({ ...FAST, WEBHOOK_SECRET_KEYS: ring('k2', 'k1') });
    for (const id of [endpoint.id, legacy.id]) expect((await stored(id)).secret).toMatch(/^sealed1\.k2\./);
    expect((await stored(endpoint.id)).updatedAt).toEqual(untouched.updatedAt);
    await deliveredWith(after, receiver, endpoint.secret);
    await deliveredWith(after, legacyReceiver, legacy.secret);
    for (const id of [endpoint.id, legacy.id]) await after.inject({ method: 'DELETE', url: `/v1/webhook-endpoints/${id}`, headers: AUTH });
    await after.close();
  });

  it('fail each delivery visibly, signing nothing, once no key of the ring opens them', async () => {
    const before = await ctx.app({ ...FAST, WEBHOOK_SECRET_KEYS: ring('k1') });
    const { endpoint, receiver } = await register(before);
    await before.close();

    const app = await ctx.app({ ...FAST, WEBHOOK_SECRET_KEYS: ring('k3') });
    await createProductVia(app, { stock: 1 });
    const log = await waitUntil(
      async () => {
        const page = (await app.inject({ method: 'GET', url: `/v1/webhook-endpoints/${endpoint.id}/deliveries`, headers: AUTH })).json<WebhookDeliveryPage>();
        return page.items.length > 0 ? page : undefined;
      },
      { what: 'a failed attempt in the delivery log', timeoutMs: 15_000 },
    );
    expect(log.items[0]).toMatchObject({ statusCode: null });
    expect(JSON.stringify(log.items[0])).toMatch(/not signed: .*no longer holds/);
    expect(receiver.requests).toHaveLength(0);
    await app.close();
  });
});
