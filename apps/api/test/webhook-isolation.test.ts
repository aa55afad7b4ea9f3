import type { WebhookEndpointWithSecret } from '@livecart/schemas';
import { waitUntil } from '@livecart/local-services/testing';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUTH, createProductVia, createTestContext, testPool, type TestContext } from './helpers.js';
import { type Receiver, LOOPBACK_WEBHOOKS, Receivers } from './webhook-receiver.js';

/** Long beside a healthy delivery: an endpoint that waited behind a stuck one would show it. */
const TIMEOUT_MS = 3_000;
const K = 20;

let ctx: TestContext;
let app: FastifyInstance;
let pool: ReturnType<typeof testPool>;
const receivers = new Receivers();

beforeAll(async () => {
  ctx = await createTestContext('webhook-isolation');
  app = await ctx.app({
    ...LOOPBACK_WEBHOOKS,
    WEBHOOK_POLL_MS: '50',
    WEBHOOK_TIMEOUT_MS: String(TIMEOUT_MS),
    WEBHOOK_RETRY_BASE_MS: '20',
    WEBHOOK_RETRY_MAX_MS: '100',
    WEBHOOK_CONCURRENCY: '4',
  });
  pool = testPool(ctx.databaseUrl);
});
afterAll(async () => {
  await receivers.closeAll();
  await pool.end();
  await ctx.close();
});

const receiver = (behave?: Receiver['behave']) => receivers.start(behave);

async function register(url: string): Promise<WebhookEndpointWithSecret> {
  const response = await app.inject({ method: 'POST', url: '/v1/webhook-endpoints', headers: AUTH, payload: { url } });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<WebhookEndpointWithSecret>();
}

/** The largest commit-to-publication delay of the relay over the K events after `afterSeq`. */
async function relayLag(afterSeq: number): Promise<{ ms: number; last: number }> {
  const seqs = await waitUntil(
    async () => {
      const { rows } = await pool.query<{ seq: number }>('SELECT seq FROM outbox WHERE seq > $1 AND published_at IS NOT NULL ORDER BY seq', [afterSeq]);
      return rows.length >= K ? rows.map((row) => row.seq) : undefined;
    },
    { what: `${K} events published`, timeoutMs: 20_000, intervalMs: 50 },
  );
  const { rows } = await pool.query<{ ms: number }>('SELECT max(extract(epoch FROM published_at - occurred_at) * 1000)::float8 AS ms FROM outbox WHERE seq = ANY($1)', [seqs]);
  return { ms: rows[0]?.ms ?? 0, last: seqs.at(-1) as number };
}

const seqOf = (body: string) => (JSON.parse(body) as { seq: number }).seq;

describe('a stuck webhook endpoint', () => {
  it('delays neither another endpoint nor the relay\'s live publishing', async ({ annotate }) => {
    const start = (await pool.query<{ last: number }>('SELECT last_seq AS last FROM outbox_sequence')).rows[0]?.last ?? 0;
    for (let i = 0; i < K; i++) await createProductVia(app);
    const without = await relayLag(start);

    // Two endpoints that never answer, registered first, and a healthy one.
    const stuck = [await receiver(() => 'hang'), await receiver(() => 'hang')];
    const stuckEndpoints = [await register(stuck[0]!.url), await register(stuck[1]!.url)];
    const healthy = await receiver();
    const healthyEndpoint = await register(healthy.url);
    const writtenAt: number[] = [];
    for (let i = 0; i < K; i++) {
      await createProductVia(app);
      writtenAt.push(performance.now());
    }
    const withStuck = await relayLag(without.last);
    const all = await waitUntil(() => (healthy.accepted.length >= K ? healthy.accepted : undefined), { what: 'the healthy endpoint to catch up', timeoutMs: 15_000, intervalMs: 20 });
    expect(all.map((message) => seqOf(message.body))).toEqual(Array.from({ length: K }, (_, i) => healthyEndpoint.deliveredSeq + i + 1));
    // Each event reached the healthy endpoint well within one of the stuck endpoints' timeouts of its write.
    const delays = all.map((message, i) => message.at - (writtenAt[i] ?? 0));
    const worst = Math.max(...delays);
    await annotate(
      `relay lag (max over ${K} writes): ${without.ms.toFixed(1)} ms without webhooks, ${withStuck.ms.toFixed(1)} ms with two stuck endpoints and a healthy one; healthy endpoint's worst write-to-receipt ${worst.toFixed(0)} ms (stuck timeout ${TIMEOUT_MS} ms)`,
    );
    expect(worst).toBeLessThan(TIMEOUT_MS / 2);
    // The stuck endpoints are still at their first event, retrying it.
    for (const [i, endpoint] of stuckEndpoints.entries()) {
      expect(stuck[i]!.accepted).toHaveLength(0);
      expect(new Set(stuck[i]!.requests.map((message) => seqOf(message.body)))).toEqual(new Set([endpoint.deliveredSeq + 1]));
    }
    // The relay publishes as fast with stuck endpoints as without (a generous bound for a shared machine).
    expect(withStuck.ms).toBeLessThan(Math.max(without.ms * 3, without.ms + 500));
  });
});
