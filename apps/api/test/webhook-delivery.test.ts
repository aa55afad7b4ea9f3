import { webhookBatchMessageId, webhookMessageId, type WebhookBatch, type WebhookDeliveryPage, type WebhookEndpointWithSecret } from '@livecart/schemas';
import { eventJsonOfEntry, eventKeys, streamPositionOf } from '@livecart/schemas/transport';
import { waitUntil } from '@livecart/local-services/testing';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { WebhookVerificationError } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUTH, createProductVia, createTestContext, testPool, type TestContext } from './helpers.js';
import { deduplicated, verifyMessage, type Receiver, LOOPBACK_WEBHOOKS, Receivers } from './webhook-receiver.js';

const TIMEOUT_MS = 400;

let ctx: TestContext;
let app: FastifyInstance;
let pool: ReturnType<typeof testPool>;
let redis: Redis;
const receivers = new Receivers();

beforeAll(async () => {
  ctx = await createTestContext('webhook-delivery');
  app = await ctx.app({
    ...LOOPBACK_WEBHOOKS,
    WEBHOOK_POLL_MS: '50',
    WEBHOOK_TIMEOUT_MS: String(TIMEOUT_MS),
    WEBHOOK_RETRY_BASE_MS: '20',
    WEBHOOK_RETRY_MAX_MS: '200',
    WEBHOOK_CONCURRENCY: '4',
  });
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
  return response.json<WebhookEndpointWithSecret>();
}

/** The seqs of the events published after `afterSeq`, once nothing waits in the outbox. */
async function publishedAfter(afterSeq: number, count: number): Promise<number[]> {
  return waitUntil(
    async () => {
      const { rows } = await pool.query<{ seq: number; waiting: number }>(
        'SELECT seq, (SELECT count(*)::int FROM outbox WHERE published_at IS NULL AND rejected_at IS NULL) AS waiting FROM outbox WHERE seq > $1 AND published_at IS NOT NULL ORDER BY seq',
        [afterSeq],
      );
      return rows.length >= count && rows.every((row) => row.waiting === 0) ? rows.map((row) => row.seq) : undefined;
    },
    { what: `${count} events published`, timeoutMs: 20_000, intervalMs: 50 },
  );
}

const seqOf = (body: string) => (JSON.parse(body) as { seq: number }).seq;

describe('webhook delivery', () => {
  it('delivers every event in seq order, none missing, while the receiver fails, times out and resets', async () => {
    // Fails about every third request, in each of the three ways, in a fixed pattern.
    const flaky = await receiver((index) => (index % 7 === 3 ? 500 : index % 11 === 5 ? 'hang' : index % 13 === 8 ? 'reset' : index % 17 === 2 ? 503 : 204));
    const endpoint = await register(flaky.url);
    const N = 60;
    // Writes in concurrent groups, so that commits and seqs interleave as they do under load.
    for (let group = 0; group < N / 10; group++) await Promise.all(Array.from({ length: 10 }, () => createProductVia(app)));
    const expected = await publishedAfter(endpoint.deliveredSeq, N);
    expect(expected).toHaveLength(N);

    const received = await waitUntil(() => {
      const unique = deduplicated(flaky);
      return unique.length >= N ? unique : undefined;
    }, { what: 'every event at the receiver', timeoutMs: 25_000, intervalMs: 100 });
    expect(received.map((message) => seqOf(message.body))).toEqual(expected);
    // At least once, never out of order: a repeat is only ever of the message just before it.
    const acceptedSeqs = flaky.accepted.map((message) => seqOf(message.body));
    for (let i = 1; i < acceptedSeqs.length; i++) expect(acceptedSeqs[i]).toBeGreaterThanOrEqual(acceptedSeqs[i - 1] as number);
    // The receiver's failures did happen, in each way.
    expect(flaky.requests.length).toBeGreaterThan(flaky.accepted.length);

    const { rows } = await pool.query<{ epoch: string }>('SELECT epoch FROM outbox_sequence');
    const epoch = rows[0]?.epoch as string;
    const stream = await redis.xrange(eventKeys({ prefix: ctx.prefix }).stream, '-', '+');
    const live = new Map(stream.map(([id, fields]) => [streamPositionOf(id).seq, eventJsonOfEntry(fields)]));
    for (const message of received) {
      const seq = seqOf(message.body);
      expect(message.id).toBe(webhookMessageId(endpoint.id, epoch, seq));
      expect(message.headers['content-type']).toBe('application/json');
      // The body is the event as the live stream carries it, byte for byte, epoch included.
      expect(message.body).toBe(live.get(seq));
      expect(verifyMessage(endpoint.secret, message)).toMatchObject({ seq, epoch, type: 'product.created' });
    }

    const log = await app.inject({ method: 'GET', url: `/v1/webhook-endpoints/${endpoint.id}/deliveries?limit=200`, headers: AUTH });
    const attempts = log.json<WebhookDeliveryPage>().items;
    expect(attempts.filter((attempt) => attempt.succeeded).length).toBeGreaterThanOrEqual(N);
    expect(attempts.some((attempt) => attempt.statusCode === 500 && attempt.error === 'answered 500' && attempt.attempt === 1)).toBe(true);
    expect(attempts.some((attempt) => attempt.statusCode === null && attempt.error === `no answer within ${TIMEOUT_MS} ms`)).toBe(true);
    expect(attempts.some((attempt) => attempt.statusCode === null && /ECONNRESET|socket hang up/.test(attempt.error ?? ''))).toBe(true);
    expect(attempts.some((attempt) => attempt.attempt > 1 && attempt.succeeded)).toBe(true);
  });

  it('delivers batches of up to maxBatchSize consecutive events, in seq order, none missing, through failures', async () => {
    // Refuses every request until all the events are published, so that full batches form; then drops the
    // connection on every fourth request.
    const gate: { openedAt?: number } = {};
    const flaky = await receiver((index) => (gate.openedAt === undefined ? 503 : (index - gate.openedAt) % 4 === 3 ? 'reset' : 204));
    const endpoint = await register(flaky.url, { eventTypes: ['product.created'], maxBatchSize: 8 });
    expect(endpoint.maxBatchSize).toBe(8);
    const N = 40;
    for (let group = 0; group < N / 10; group++) await Promise.all(Array.from({ length: 10 }, () => createProductVia(app)));
    const expected = await publishedAfter(endpoint.deliveredSeq, N);
    const openedAt = flaky.requests.length;
    gate.openedAt = openedAt;

    const eventsOf = (messages: typeof flaky.accepted) => messages.flatMap((message) => (JSON.parse(message.body) as WebhookBatch).events);
    const received = await waitUntil(() => {
      const seqs = [...new Set(eventsOf(flaky.accepted).map((event) => event.seq))];
      return seqs.length >= N ? seqs : undefined;
    }, { what: 'every event at the receiver', timeoutMs: 25_000, intervalMs: 100 });
    expect(received).toEqual(expected);
    // In order, each event accepted once: every accepted batch starts after the one before it.
    const firsts = flaky.accepted.map((message) => (JSON.parse(message.body) as WebhookBatch).events[0]!.seq);
    for (let i = 1; i < firsts.length; i++) expect(firsts[i]).toBeGreaterThan(firsts[i - 1] as number);

    const { rows } = await pool.query<{ epoch: string }>('SELECT epoch FROM outbox_sequence');
    const epoch = rows[0]?.epoch as string;
    const stream = await redis.xrange(eventKeys({ prefix: ctx.prefix }).stream, '-', '+');
    const live = new Map(stream.map(([id, fields]) => [streamPositionOf(id).seq, JSON.parse(eventJsonOfEntry(fields) ?? 'null') as unknown]));
    for (const message of flaky.accepted) {
      const batch = verifyMessage(endpoint.secret, message) as WebhookBatch;
      expect(batch.type).toBe('webhook.batch');
      expect(batch.events.length).toBeGreaterThanOrEqual(1);
      expect(batch.events.length).toBeLessThanOrEqual(8);
      const seqs = batch.events.map((event) => event.seq);
      expect(seqs).toEqual(expected.slice(expected.indexOf(seqs[0]!), expected.indexOf(seqs[0]!) + seqs.length));
      expect(message.id).toBe(webhookBatchMessageId(endpoint.id, epoch, seqs[0]!, seqs.at(-1)!));
      for (const event of batch.events) expect(event).toEqual(live.get(event.seq));
    }
    // Full batches did form: 40 events took far fewer requests than events.
    expect(flaky.accepted.some((message) => (JSON.parse(message.body) as WebhookBatch).events.length === 8)).toBe(true);
    expect(flaky.requests.length - openedAt).toBeLessThan(N / 2);

    // Logged once the lane stops (caught up): one row per request.
    const attempts = await waitUntil(async () => {
      const log = await app.inject({ method: 'GET', url: `/v1/webhook-endpoints/${endpoint.id}/deliveries?limit=200`, headers: AUTH });
      const items = log.json<WebhookDeliveryPage>().items;
      return items.length === flaky.requests.length ? items : undefined;
    }, { what: 'a log row for every request', timeoutMs: 10_000, intervalMs: 100 });
    const delivered = attempts.filter((attempt) => attempt.succeeded).reverse();
    expect(delivered.map((attempt) => [attempt.messageId, attempt.type, attempt.eventCount])).toEqual(
      flaky.accepted.map((message) => [message.id, 'webhook.batch', (JSON.parse(message.body) as WebhookBatch).events.length]),
    );
    expect(delivered.at(-1)?.lastEventSeq).toBe(expected.at(-1));
    expect(attempts.some((attempt) => attempt.statusCode === 503 && attempt.eventCount >= 1 && !attempt.succeeded)).toBe(true);
  });

  it('signs so that the Standard Webhooks library accepts it, and refuses a tampered body or another secret', async () => {
    const plain = await receiver();
    const endpoint = await register(plain.url, { eventTypes: ['product.created'] });
    await createProductVia(app);
    const [message] = await waitUntil(() => (plain.accepted.length > 0 ? plain.accepted : undefined), { what: 'a delivery', timeoutMs: 15_000 });
    if (message === undefined) throw new Error('no delivery');
    expect(verifyMessage(endpoint.secret, message)).toMatchObject({ type: 'product.created' });
    const tampered = message.body.replace(/"stock":\d+/, '"stock":999999');
    expect(tampered).not.toBe(message.body);
    expect(() => verifyMessage(endpoint.secret, { ...message, body: tampered })).toThrow(WebhookVerificationError);
    const other = await register(plain.url);
    expect(() => verifyMessage(other.secret, message)).toThrow(WebhookVerificationError);
    expect(() => verifyMessage(endpoint.secret, { ...message, headers: { ...message.headers, 'webhook-id': `${message.id}x` } })).toThrow(WebhookVerificationError);
  });

  it('shows deliveries, failures and each endpoint\'s lag in /metrics', async () => {
    const metrics = await app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.statusCode).toBe(200);
    expect(metrics.body).toMatch(/^webhook_deliveries_total [1-9]\d*$/m);
    // The batches of the batch test carried several events each.
    const count = (name: string) => Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(metrics.body)?.[1]);
    expect(count('webhook_delivered_events_total')).toBeGreaterThan(count('webhook_deliveries_total'));
    expect(metrics.body).toMatch(/^webhook_delivery_failures_total [1-9]\d*$/m);
    expect(metrics.body).toMatch(/^webhook_worker_leader 1$/m);
    expect(metrics.body).toMatch(/^webhook_endpoint_lag_events\{endpoint="[0-9a-f-]{36}"\} \d+$/m);
  });
});
