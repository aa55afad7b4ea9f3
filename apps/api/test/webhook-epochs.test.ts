import { webhookMessageId, webhookResetMessageId, type WebhookEndpointWithSecret } from '@livecart/schemas';
import { waitUntil } from '@livecart/local-services/testing';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTransaction } from '../src/db/transaction.js';
import { AUTH, createProductVia, createTestContext, testPool, type TestContext } from './helpers.js';
import { startReceiver, verifyMessage, type Receiver, LOOPBACK_WEBHOOKS } from './webhook-receiver.js';

let ctx: TestContext;
let app: FastifyInstance;
let pool: ReturnType<typeof testPool>;
let receiver: Receiver;

beforeAll(async () => {
  ctx = await createTestContext('webhook-epochs');
  app = await ctx.app({ ...LOOPBACK_WEBHOOKS, WEBHOOK_POLL_MS: '50' });
  pool = testPool(ctx.databaseUrl);
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver.close();
  await pool.end();
  await ctx.close();
});

const epochNow = async () => (await pool.query<{ epoch: string }>('SELECT epoch FROM outbox_sequence')).rows[0]?.epoch as string;
const bodies = (from = 0) => receiver.accepted.slice(from).map((message) => JSON.parse(message.body) as { type: string; seq?: number; epoch: string; afterSeq?: number; reason?: string });

describe('webhooks across event epochs', () => {
  it('after a restore, sends a reset notice, then the new history\'s events with the new epoch in their ids', async () => {
    // The fifth message is answered only after the restore: the worker's write for it (log row, cursor
    // move) lands in the restored database, as a write in flight during a restore would.
    let answerFifth: (status: number) => void = () => {};
    const fifthAnswer = new Promise<number>((resolve) => {
      answerFifth = resolve;
    });
    receiver.behave = (index) => (index === 4 ? fifthAnswer : 204);
    const endpoint = (await app.inject({ method: 'POST', url: '/v1/webhook-endpoints', headers: AUTH, payload: { url: receiver.url } })).json<WebhookEndpointWithSecret>();
    const oldEpoch = await epochNow();
    for (let i = 0; i < 5; i++) await createProductVia(app);
    await waitUntil(() => (receiver.requests.length >= 5 ? true : undefined), { what: 'the first events', timeoutMs: 15_000 });
    const first = receiver.requests.map((message) => (JSON.parse(message.body) as { seq: number }).seq);
    expect(first).toEqual([1, 2, 3, 4, 5].map((i) => endpoint.deliveredSeq + i));
    const restoredTo = first[2] as number;

    // The database is restored from a backup taken after the third event: the last two events are gone,
    // and the endpoint's cursor is back where the backup had it.
    await withTransaction(pool, async (client) => {
      await client.query('DELETE FROM audit_log WHERE event_seq > $1', [restoredTo]);
      await client.query('DELETE FROM outbox WHERE seq > $1', [restoredTo]);
      await client.query('UPDATE outbox_sequence SET last_seq = $1, published_seq = least(published_seq, $1)', [restoredTo]);
      await client.query('UPDATE webhook_endpoints SET cursor_seq = $2 WHERE id = $1', [endpoint.id, restoredTo]);
    });
    answerFifth(204);
    const logged = async () => (await pool.query('SELECT 1 FROM webhook_deliveries WHERE endpoint_id = $1 AND event_seq = $2', [endpoint.id, first[4]])).rowCount === 1 || undefined;
    await waitUntil(logged, { what: "the fifth message's log row", timeoutMs: 15_000 });
    // Logged as delivered (it was), but the cursor stays where the restore put it: it did not move from there.
    const cursor = await pool.query<{ seq: string }>('SELECT cursor_seq AS seq FROM webhook_endpoints WHERE id = $1', [endpoint.id]);
    expect(Number(cursor.rows[0]?.seq)).toBe(restoredTo);

    // New writes take seqs the stream (and the receiver) already saw for other events: the relay begins a new epoch.
    for (let i = 0; i < 3; i++) await createProductVia(app);
    await waitUntil(() => (receiver.accepted.length >= 5 + 4 ? true : undefined), { what: 'the reset notice and the new events', timeoutMs: 15_000 });
    const newEpoch = await epochNow();
    expect(newEpoch).not.toBe(oldEpoch);

    const after = receiver.accepted.slice(5);
    expect(bodies(5)).toEqual([
      { type: 'webhook.reset', epoch: newEpoch, afterSeq: restoredTo, reason: 'epoch' },
      ...[1, 2, 3].map((i) => expect.objectContaining({ type: 'product.created', seq: restoredTo + i, epoch: newEpoch })),
    ]);
    expect(after.map((message) => message.id)).toEqual([
      webhookResetMessageId(endpoint.id, newEpoch, restoredTo),
      ...[1, 2, 3].map((i) => webhookMessageId(endpoint.id, newEpoch, restoredTo + i)),
    ]);
    // Same seqs as two of the first deliveries, other events: different ids, so no receiver drops them as repeats.
    const firstIds = new Set(receiver.accepted.slice(0, 5).map((message) => message.id));
    expect(after.some((message) => firstIds.has(message.id))).toBe(false);
    for (const message of after) verifyMessage(endpoint.secret, message);
  });
});
