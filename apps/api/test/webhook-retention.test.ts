import type { WebhookEndpointWithSecret } from '@livecart/schemas';
import { waitUntil } from '@livecart/local-services/testing';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUTH, createProductVia, createTestContext, testPool, type TestContext } from './helpers.js';
import { type Receiver, LOOPBACK_WEBHOOKS, Receivers } from './webhook-receiver.js';

const ENV = {
  ...LOOPBACK_WEBHOOKS,
  WEBHOOK_POLL_MS: '50',
  WEBHOOK_RETRY_BASE_MS: '50',
  WEBHOOK_RETRY_MAX_MS: '100',
  OUTBOX_RETENTION_HOURS: '1',
};

let ctx: TestContext;
let pool: ReturnType<typeof testPool>;
const receivers = new Receivers();
let marker = 0;

beforeAll(async () => {
  ctx = await createTestContext('webhook-retention');
  pool = testPool(ctx.databaseUrl);
});
afterAll(async () => {
  await receivers.closeAll();
  await pool.end();
  await ctx.close();
});

const receiver = (behave?: Receiver['behave']) => receivers.start(behave);

async function register(app: FastifyInstance, url: string): Promise<WebhookEndpointWithSecret> {
  const response = await app.inject({ method: 'POST', url: '/v1/webhook-endpoints', headers: AUTH, payload: { url } });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<WebhookEndpointWithSecret>();
}

/**
 * Starts an app whose relay takes the lease and prunes at once (its first cycle), and waits until it has:
 * the relay's housekeeping also deletes idempotency keys older than a day, so an old one going is the sign.
 */
async function appThatPruned(): Promise<FastifyInstance> {
  marker++;
  const key = `retention-marker-${marker}`;
  await pool.query("INSERT INTO idempotency_keys (key, request_hash, created_at) VALUES ($1, 'x', now() - interval '2 days')", [key]);
  const app = await ctx.app(ENV);
  await waitUntil(async () => ((await pool.query('SELECT 1 FROM idempotency_keys WHERE key = $1', [key])).rowCount === 0 ? true : undefined), {
    what: 'the relay to prune',
    timeoutMs: 15_000,
    intervalMs: 50,
  });
  return app;
}

const keptSeqs = async (from: number, to: number) =>
  (await pool.query<{ seq: number }>('SELECT seq FROM outbox WHERE seq BETWEEN $1 AND $2 ORDER BY seq', [from, to])).rows.map((row) => row.seq);

describe('outbox retention and webhook endpoints', () => {
  it('keeps events an enabled endpoint has not received past the retention; a disabled one holds nothing and is told what it missed', async () => {
    const first = await ctx.app(ENV);
    const healthy = await receiver();
    const down = await receiver(() => 503);
    const a = await register(first, healthy.url);
    const b = await register(first, down.url);
    for (let i = 0; i < 5; i++) await createProductVia(first);
    await waitUntil(() => (healthy.accepted.length >= 5 ? true : undefined), { what: 'the healthy endpoint to have every event', timeoutMs: 15_000 });
    const seqs = [1, 2, 3, 4, 5].map((i) => a.deliveredSeq + i);
    await first.close();
    // Published long ago, as far as the retention is concerned.
    await pool.query("UPDATE outbox SET published_at = published_at - interval '2 hours' WHERE published_at IS NOT NULL");

    // B has none of them: all are kept, however old.
    const second = await appThatPruned();
    expect(await keptSeqs(seqs[0]!, seqs[4]!)).toEqual(seqs);

    // Disabled, B holds nothing back: everything A has is pruned.
    const disabled = await second.inject({ method: 'PATCH', url: `/v1/webhook-endpoints/${b.id}`, headers: AUTH, payload: { enabled: false } });
    expect(disabled.statusCode, disabled.body).toBe(200);
    await second.close();
    const third = await appThatPruned();
    expect(await keptSeqs(seqs[0]!, seqs[4]!)).toEqual([]);

    // Enabled again and answering, B is told that what it missed is gone, then gets what follows.
    down.behave = () => 204;
    expect((await third.inject({ method: 'PATCH', url: `/v1/webhook-endpoints/${b.id}`, headers: AUTH, payload: { enabled: true } })).statusCode).toBe(200);
    await createProductVia(third);
    await waitUntil(() => (down.accepted.length >= 2 ? true : undefined), { what: 'the reset notice and the next event', timeoutMs: 15_000 });
    const bodies = down.accepted.map((message) => JSON.parse(message.body) as { type: string; seq?: number; afterSeq?: number; reason?: string });
    expect(bodies[0]).toMatchObject({ type: 'webhook.reset', reason: 'history_pruned', afterSeq: seqs[4] });
    expect(bodies[1]).toMatchObject({ type: 'product.created', seq: seqs[4]! + 1 });
  });
});
