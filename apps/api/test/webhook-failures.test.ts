import { Writable } from 'node:stream';
import { loggerOptions } from '@livecart/config/logger';
import { webhookMessageId, type AuditPage, type WebhookEndpoint, type WebhookEndpointWithSecret } from '@livecart/schemas';
import { eventJsonOfEntry, eventKeys } from '@livecart/schemas/transport';
import { waitUntil } from '@livecart/local-services/testing';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUTH, createProductVia, createTestContext, testPool, type TestContext } from './helpers.js';
import { deduplicated, verifyMessage, type Receiver, LOOPBACK_WEBHOOKS, Receivers } from './webhook-receiver.js';

const DISABLE_AFTER_MS = 1_500;

let ctx: TestContext;
let app: FastifyInstance;
let pool: ReturnType<typeof testPool>;
let redis: Redis;
const receivers = new Receivers();
/** Every log line of the app, at trace level: no signing secret may be among them. */
const lines: string[] = [];
const secrets: string[] = [];

beforeAll(async () => {
  ctx = await createTestContext('webhook-failures');
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  const logger = pino({ ...loggerOptions({ name: 'livecart-api', level: 'trace', nodeEnv: 'production' }) }, sink);
  app = await ctx.app({
    SLOW_REQUEST_MS: '1',
    ...LOOPBACK_WEBHOOKS,
    WEBHOOK_POLL_MS: '50',
    WEBHOOK_TIMEOUT_MS: '500',
    WEBHOOK_RETRY_BASE_MS: '50',
    WEBHOOK_RETRY_MAX_MS: '200',
    WEBHOOK_DISABLE_AFTER_MS: String(DISABLE_AFTER_MS),
  }, { logger });
  pool = testPool(ctx.databaseUrl);
  redis = new Redis(ctx.redisUrl);
});
afterAll(async () => {
  await receivers.closeAll();
  redis.disconnect();
  await pool.end();
  await ctx.close();
});

const receiver = (behave?: Receiver['behave']) => receivers.start(behave);

async function register(url: string, payload: Record<string, unknown> = {}): Promise<WebhookEndpointWithSecret> {
  const response = await app.inject({ method: 'POST', url: '/v1/webhook-endpoints', headers: AUTH, payload: { url, ...payload } });
  expect(response.statusCode, response.body).toBe(201);
  const endpoint = response.json<WebhookEndpointWithSecret>();
  secrets.push(endpoint.secret);
  return endpoint;
}

const getEndpoint = async (id: string) => (await app.inject({ method: 'GET', url: `/v1/webhook-endpoints/${id}`, headers: AUTH })).json<WebhookEndpoint>();
const seqOf = (body: string) => (JSON.parse(body) as { seq: number }).seq;

describe('failing endpoints', () => {
  it('disables an endpoint that failed for the whole failure period, with its event through the outbox', async () => {
    // Another endpoint listens for exactly that event: it arrives like any other.
    const watcher = await receiver();
    const watch = await register(watcher.url, { eventTypes: ['webhook_endpoint.disabled'] });
    const down = await receiver(() => 503);
    const failing = await register(down.url, { eventTypes: ['product.created'] });
    await createProductVia(app);

    const disabled = await waitUntil(async () => {
      const endpoint = await getEndpoint(failing.id);
      return endpoint.enabled ? undefined : endpoint;
    }, { what: 'the failing endpoint to be disabled', timeoutMs: 15_000, intervalMs: 50 });
    expect(disabled).toMatchObject({ enabled: false, disabledReason: 'failing' });
    expect(disabled.failingSince).not.toBeNull();
    const failedFor = Date.parse(disabled.updatedAt) - Date.parse(disabled.failingSince as string);
    expect(failedFor).toBeGreaterThanOrEqual(DISABLE_AFTER_MS);
    // Retried with backoff all along, never past the event it could not deliver.
    expect(down.requests.length).toBeGreaterThan(3);
    expect(new Set(down.requests.map((message) => seqOf(message.body)))).toEqual(new Set([failing.deliveredSeq + 1]));

    const [notice] = await waitUntil(() => (watcher.accepted.length > 0 ? watcher.accepted : undefined), { what: 'the disabled event', timeoutMs: 10_000 });
    const event = verifyMessage(watch.secret, notice as NonNullable<typeof notice>) as { seq: number; type: string; topics: string[]; actor: unknown; data: Record<string, unknown> };
    expect(event).toMatchObject({
      type: 'webhook_endpoint.disabled',
      topics: [`webhook_endpoint:${failing.id}`],
      actor: { type: 'system', id: null, name: 'webhooks' },
      data: { id: failing.id, failingSince: disabled.failingSince, stuckAtSeq: failing.deliveredSeq + 1, lastError: 'answered 503' },
    });
    expect(JSON.stringify(event)).not.toContain(down.url);
    // The relay published it on the live stream as well.
    const stream = await redis.xrange(eventKeys({ prefix: ctx.prefix }).stream, String(event.seq), String(event.seq));
    expect(eventJsonOfEntry(stream[0]?.[1] ?? [])).toBe(notice?.body);
    const audit = await app.inject({ method: 'GET', url: '/v1/audit', headers: AUTH });
    expect(audit.json<AuditPage>().items.find((entry) => entry.subject.id === failing.id && entry.action === 'webhook_endpoint.disabled')).toMatchObject({
      actor: { type: 'system', name: 'webhooks' },
      eventSeq: event.seq,
    });

    // Disabled, it is sent nothing more; enabled again, it takes up where it stopped.
    const before = down.requests.length;
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(down.requests.length).toBe(before);
    down.behave = () => 204;
    const enabled = await app.inject({ method: 'PATCH', url: `/v1/webhook-endpoints/${failing.id}`, headers: AUTH, payload: { enabled: true } });
    expect(enabled.json<WebhookEndpoint>()).toMatchObject({ enabled: true, disabledReason: null, failingSince: null });
    const [first] = await waitUntil(() => (down.accepted.length > 0 ? down.accepted : undefined), { what: 'the delivery after re-enabling', timeoutMs: 10_000 });
    expect(seqOf(first?.body ?? '{}')).toBe(failing.deliveredSeq + 1);
  });

  it('replays from a seq: every matching event from there again, in order, with the same webhook-ids', async () => {
    const target = await receiver();
    const endpoint = await register(target.url, { eventTypes: ['product.created'] });
    const N = 8;
    for (let i = 0; i < N; i++) await createProductVia(app);
    const first = await waitUntil(() => (target.accepted.length >= N ? [...target.accepted] : undefined), { what: 'the first deliveries', timeoutMs: 15_000 });
    const seqs = first.map((message) => seqOf(message.body));
    const fromSeq = seqs[3] as number;
    const count = target.accepted.length;

    const replay = await app.inject({ method: 'POST', url: `/v1/webhook-endpoints/${endpoint.id}/replay`, headers: AUTH, payload: { fromSeq } });
    expect(replay.statusCode, replay.body).toBe(202);
    expect(replay.json<WebhookEndpoint>().deliveredSeq).toBe(fromSeq - 1);
    const again = await waitUntil(() => (target.accepted.length >= count + N - 3 ? target.accepted.slice(count) : undefined), { what: 'the replayed deliveries', timeoutMs: 15_000 });
    expect(again.map((message) => seqOf(message.body))).toEqual(seqs.slice(3));
    expect(again.map((message) => message.id)).toEqual(first.slice(3).map((message) => message.id));
    const { rows } = await pool.query<{ epoch: string }>('SELECT epoch FROM outbox_sequence');
    expect(again[0]?.id).toBe(webhookMessageId(endpoint.id, rows[0]?.epoch as string, fromSeq));
    // After de-duplication by webhook-id, the receiver has each event once.
    expect(deduplicated(target)).toHaveLength(N);

    // Events the outbox no longer keeps cannot be replayed.
    const oldest = (await pool.query<{ oldest: number }>('SELECT min(seq) AS oldest FROM outbox')).rows[0]?.oldest as number;
    await pool.query('DELETE FROM outbox WHERE seq = $1', [oldest]);
    const tooOld = await app.inject({ method: 'POST', url: `/v1/webhook-endpoints/${endpoint.id}/replay`, headers: AUTH, payload: { fromSeq: oldest } });
    expect(tooOld.statusCode, tooOld.body).toBe(422);
    expect((await getEndpoint(endpoint.id)).deliveredSeq).toBe(seqs.at(-1));
  });

  it('never writes a signing secret to the log, through creation, rotation, deliveries, failures and disabling', async () => {
    const endpoint = await register((await receiver(() => 500)).url);
    const rotated = await app.inject({ method: 'POST', url: `/v1/webhook-endpoints/${endpoint.id}/rotate-secret`, headers: AUTH });
    secrets.push(rotated.json<WebhookEndpointWithSecret>().secret);
    await createProductVia(app);
    await waitUntil(async () => ((await getEndpoint(endpoint.id)).enabled ? undefined : true), { what: 'the endpoint to be disabled', timeoutMs: 15_000, intervalMs: 50 });
    const out = lines.join('');
    expect(out).toContain('webhooks: endpoint failed for the whole failure period; disabled');
    expect(out).toContain('/v1/webhook-endpoints');
    for (const secret of secrets) {
      expect(out).not.toContain(secret);
      expect(out).not.toContain(secret.slice('whsec_'.length, 'whsec_'.length + 16));
    }
  });
});
