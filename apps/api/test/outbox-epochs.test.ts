import { waitUntil } from '@livecart/local-services/testing';
import { eventJsonOfEntry, eventKeys, parseEpochRecord, streamPositionOf } from '@livecart/schemas/transport';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectionConfig } from '../src/db/pool.js';
import { OutboxRelay } from '../src/outbox/relay.js';
import { createProductVia, createTestContext, testPool, type TestContext } from './helpers.js';

let ctx: TestContext;
let writer: FastifyInstance;
let redis: Redis;
let pool: ReturnType<typeof testPool>;
const quiet = pino({ level: 'silent' });

beforeAll(async () => {
  ctx = await createTestContext('epochs');
  writer = await ctx.app({ OUTBOX_RELAY_ENABLED: 'false' });
  redis = new Redis(ctx.redisUrl);
  pool = testPool(ctx.databaseUrl);
});
afterAll(async () => {
  await pool.end();
  redis.disconnect();
  await ctx.close();
});

interface StreamEvent {
  seq: number;
  epoch?: string;
  data: { id: string; version: number };
}

async function readStream(prefix: string): Promise<StreamEvent[]> {
  const entries = await redis.xrange(eventKeys({ prefix }).stream, '-', '+');
  return entries.map(([id, fields]) => {
    const event = JSON.parse(eventJsonOfEntry(fields) ?? '') as StreamEvent;
    expect(event.seq).toBe(streamPositionOf(id).seq);
    return event;
  });
}

async function databaseEpoch(): Promise<string> {
  const { rows } = await pool.query<{ epoch: string }>('SELECT epoch FROM outbox_sequence');
  return rows[0]!.epoch;
}

async function lastSeq(): Promise<number> {
  const { rows } = await pool.query<{ n: number }>('SELECT last_seq::int AS n FROM outbox_sequence');
  return rows[0]!.n;
}

/** Runs a relay on `prefix` until the outbox is drained. */
async function relayUntilDrained(prefix: string): Promise<OutboxRelay> {
  const relay = new OutboxRelay({
    connection: connectionConfig({ connectionString: ctx.databaseUrl, statementTimeoutMs: 10_000, applicationName: 'relay-epochs' }),
    redis,
    prefix,
    streamMaxLen: 100_000,
    pollMs: 20,
    lockRetryMs: 100,
    leaseMs: 1_500,
    batchSize: 50,
    retentionHours: 24,
    log: quiet,
  });
  relay.start();
  try {
    await waitUntil(
      async () => {
        const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL');
        return rows[0]?.n === 0 ? true : undefined;
      },
      { what: 'outbox drained', timeoutMs: 10_000, intervalMs: 20 },
    );
  } finally {
    await relay.stop();
  }
  return relay;
}

async function writeProducts(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await createProductVia(writer);
}

/** The database goes back `n` events, as after a restore to just before them: their rows and seqs vanish. */
async function rollBack(n: number): Promise<void> {
  await pool.query('DELETE FROM audit_log WHERE event_seq > (SELECT last_seq FROM outbox_sequence) - $1', [n]);
  await pool.query('DELETE FROM outbox WHERE seq > (SELECT last_seq FROM outbox_sequence) - $1', [n]);
  await pool.query('UPDATE outbox_sequence SET last_seq = last_seq - $1', [n]);
}

describe('event epochs', () => {
  it('publishes in the database epoch and records it beside a new stream', async () => {
    const prefix = `${ctx.prefix}:fresh`;
    await writeProducts(3);
    const relay = await relayUntilDrained(prefix);
    const epoch = await databaseEpoch();
    expect(parseEpochRecord(await redis.hgetall(eventKeys({ prefix }).epoch))).toEqual({ id: epoch, base: 0 });
    const events = await readStream(prefix);
    expect(events.map((e) => e.epoch)).toEqual(events.map(() => epoch));
    expect(relay.stats.regressions).toEqual({ other_epoch: 0, stream_ahead: 0, different_event: 0 });
  });

  it('re-publishes a batch the stream already holds (a crash before marking it) in the same epoch', async () => {
    const prefix = `${ctx.prefix}:fresh`;
    const before = await readStream(prefix);
    const epoch = await databaseEpoch();
    await pool.query('UPDATE outbox SET published_at = NULL WHERE seq > $1', [(await lastSeq()) - 2]);
    const relay = await relayUntilDrained(prefix);
    expect(await databaseEpoch()).toBe(epoch);
    expect(await readStream(prefix)).toEqual(before);
    expect(relay.stats.regressions).toEqual({ other_epoch: 0, stream_ahead: 0, different_event: 0 });
  });

  it('starts a new epoch when the database went back and writes reuse seqs the stream holds for other events', async () => {
    const prefix = `${ctx.prefix}:fresh`;
    const oldEpoch = await databaseEpoch();
    await rollBack(2);
    const base = await lastSeq();
    await writeProducts(3);
    const relay = await relayUntilDrained(prefix);
    const epoch = await databaseEpoch();
    expect(epoch).not.toBe(oldEpoch);
    expect(relay.stats.regressions.different_event).toBe(1);
    expect(parseEpochRecord(await redis.hgetall(eventKeys({ prefix }).epoch))).toEqual({ id: epoch, base });
    // Only the new history is left: the old events under the reused seqs are gone, not replayable.
    const events = await readStream(prefix);
    expect(events.map((e) => [e.seq, e.epoch])).toEqual([1, 2, 3].map((i) => [base + i, epoch]));
  });

  it('starts a new epoch, counting it, when the stream top is ahead of the database', async () => {
    const prefix = `${ctx.prefix}:fresh`;
    const top = await lastSeq();
    await rollBack(3);
    await writeProducts(1);
    const relay = await relayUntilDrained(prefix);
    expect(relay.stats.regressions.stream_ahead).toBe(1);
    const events = await readStream(prefix);
    expect(events.map((e) => e.seq)).toEqual([top - 2]);
    expect(events[0]?.epoch).toBe(await databaseEpoch());
  });

  it('starts a new epoch when the stream names another epoch (a new database under an existing prefix)', async () => {
    const prefix = `${ctx.prefix}:other`;
    const keys = eventKeys({ prefix });
    const foreign = '00000000-0000-4000-8000-000000000001';
    await redis.hset(keys.epoch, 'id', foreign, 'base', 0);
    await redis.xadd(keys.stream, '1-0', 'e', '{"seq":1}');
    const seqBefore = await lastSeq();
    await writeProducts(2);
    const relay = await relayUntilDrained(prefix);
    expect(relay.stats.regressions.other_epoch).toBe(1);
    const record = parseEpochRecord(await redis.hgetall(keys.epoch));
    expect(record?.id).toBe(await databaseEpoch());
    expect(record?.id).not.toBe(foreign);
    expect((await readStream(prefix)).map((e) => e.seq)).toEqual([seqBefore + 1, seqBefore + 2]);
  });

  it('counts a regression in /metrics', async () => {
    const app = await ctx.app({});
    try {
      await waitUntil(async () => (app.relay?.stats.leader === true ? true : undefined), { what: 'relay leads', timeoutMs: 10_000 });
      await redis.hset(eventKeys({ prefix: ctx.prefix }).epoch, 'id', '00000000-0000-4000-8000-000000000002', 'base', 0);
      await createProductVia(app);
      const metrics = await waitUntil(async () => {
        const text = (await app.inject({ method: 'GET', url: '/metrics' })).body;
        return /outbox_history_regressions_total\{reason="other_epoch"\} 1/.test(text) ? text : undefined;
      }, { what: 'regression counted', timeoutMs: 10_000 });
      expect(metrics).toMatch(/outbox_history_regressions_total\{reason="stream_ahead"\} 0/);
      // Reads name the epoch of their X-Event-Seq: the new one, once this instance applied its first event.
      const epoch = await databaseEpoch();
      const product = await createProductVia(app);
      await waitUntil(
        async () => {
          const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL');
          return rows[0]?.n === 0 && app.events.epoch === epoch && app.events.appliedSeq === (await lastSeq()) ? true : undefined;
        },
        { what: 'the new epoch applied', timeoutMs: 10_000 },
      );
      for (const url of [`/v1/products/${product.id}`, '/v1/products?limit=1']) {
        const read = await app.inject({ method: 'GET', url });
        expect(read.headers['x-event-epoch'], url).toBe(epoch);
        expect(Number(read.headers['x-event-seq']), url).toBe(await lastSeq());
      }
    } finally {
      await app.close();
    }
  });
});
