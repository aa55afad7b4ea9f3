import { waitUntil } from '@livecart/local-services/testing';
import { eventJsonOfEntry, eventKeys, parseEpochNotice, parseEpochRecord, streamPositionOf } from '@livecart/schemas/transport';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { L2Store } from '../src/cache/l2-store.js';
import { OutboxRelay } from '../src/outbox/relay.js';
import { createProductVia, createTestContext, testPool, testRelayOptions, type TestContext } from './helpers.js';

let ctx: TestContext;
let writer: FastifyInstance;
let redis: Redis;
let pool: ReturnType<typeof testPool>;

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

function startRelay(prefix: string, l2?: L2Store): OutboxRelay {
  const relay = new OutboxRelay(testRelayOptions(ctx, { redis, prefix, applicationName: 'relay-epochs' }, { ...(l2 === undefined ? {} : { l2 }), pollMs: 20, lockRetryMs: 100 }));
  relay.start();
  return relay;
}

async function waitUntilDrained(): Promise<void> {
  await waitUntil(
    async () => {
      const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL');
      return rows[0]?.n === 0 ? true : undefined;
    },
    { what: 'outbox drained', timeoutMs: 10_000, intervalMs: 20 },
  );
}

/** Runs a relay on `prefix` until the outbox is drained. */
async function relayUntilDrained(prefix: string): Promise<OutboxRelay> {
  const relay = startRelay(prefix);
  try {
    await waitUntilDrained();
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
  await pool.query('UPDATE outbox_sequence SET last_seq = last_seq - $1, published_seq = least(published_seq, last_seq - $1)', [n]);
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
    // A crash before marking: neither the rows nor the published position were updated.
    const markedUpTo = (await lastSeq()) - 2;
    await pool.query('UPDATE outbox SET published_at = NULL WHERE seq > $1', [markedUpTo]);
    await pool.query('UPDATE outbox_sequence SET published_seq = $1', [markedUpTo]);
    const relay = await relayUntilDrained(prefix);
    expect(await databaseEpoch()).toBe(epoch);
    expect(await readStream(prefix)).toEqual(before);
    expect(relay.stats.regressions).toEqual({ other_epoch: 0, stream_ahead: 0, different_event: 0 });
  });

  it('starts a new epoch as soon as it takes the lease after the database went back, and announces it', async () => {
    const prefix = `${ctx.prefix}:fresh`;
    const keys = eventKeys({ prefix });
    const oldEpoch = await databaseEpoch();
    await rollBack(2);
    const base = await lastSeq();
    // Nothing is written afterwards: only the relay's check when it takes the lease can find the regression.
    const listener = new Redis(ctx.redisUrl);
    const heard: string[] = [];
    listener.on('message', (_channel: string, message: string) => heard.push(message));
    await listener.subscribe(keys.channel);
    const relay = startRelay(prefix);
    try {
      await waitUntil(() => (heard.length > 0 ? true : undefined), { what: 'the epoch notice', timeoutMs: 10_000, intervalMs: 20 });
    } finally {
      await relay.stop();
      listener.disconnect();
    }
    const epoch = await databaseEpoch();
    expect(epoch).not.toBe(oldEpoch);
    expect(relay.stats.regressions).toEqual({ other_epoch: 0, stream_ahead: 1, different_event: 0 });
    expect(parseEpochRecord(await redis.hgetall(keys.epoch))).toEqual({ id: epoch, base });
    expect(heard.map((message) => parseEpochNotice(message))).toEqual([{ id: epoch, base }]);
    // The old events under seqs the database will hand out again are gone, not replayable as the new history.
    expect(await readStream(prefix)).toEqual([]);
    await writeProducts(1);
    await relayUntilDrained(prefix);
    expect((await readStream(prefix)).map((e) => [e.seq, e.epoch])).toEqual([[base + 1, epoch]]);
  });

  it('finishes a new epoch that Redis interrupted, with nothing written meanwhile, and starts no second one', async () => {
    const prefix = `${ctx.prefix}:interrupted`;
    const keys = eventKeys({ prefix });
    await writeProducts(2);
    await relayUntilDrained(prefix);
    const oldEpoch = await databaseEpoch();
    await rollBack(2);
    const base = await lastSeq();
    // L2 goes first when an epoch begins, through a connection that is down for now: the epoch stays pending.
    const l2Redis = new Redis(ctx.redisUrl, { lazyConnect: true, enableOfflineQueue: false });
    await l2Redis.connect();
    l2Redis.disconnect();
    const l2 = new L2Store(l2Redis, `${prefix}:l2`, 60_000);
    const staleKey = l2.key('00000000-0000-4000-8000-00000000000a');
    await redis.set(staleKey, '99|{}');
    const listener = new Redis(ctx.redisUrl);
    const heard: string[] = [];
    listener.on('message', (_channel: string, message: string) => heard.push(message));
    await listener.subscribe(keys.channel);
    const relay = startRelay(prefix, l2);
    try {
      const pending = await waitUntil(async () => ((await databaseEpoch()) !== oldEpoch ? databaseEpoch() : undefined), { what: 'the epoch in Postgres', timeoutMs: 10_000, intervalMs: 20 });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(heard).toEqual([]);
      expect(parseEpochRecord(await redis.hgetall(keys.epoch))?.id).toBe(oldEpoch);
      await l2Redis.connect();
      await waitUntil(() => (heard.length > 0 ? true : undefined), { what: 'the epoch notice', timeoutMs: 10_000, intervalMs: 20 });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(heard.map((message) => parseEpochNotice(message))).toEqual([{ id: pending, base }]);
      expect(await databaseEpoch()).toBe(pending);
      expect(relay.stats.regressions).toEqual({ other_epoch: 0, stream_ahead: 1, different_event: 0 });
      expect(await redis.exists(staleKey)).toBe(0);
    } finally {
      await relay.stop();
      listener.disconnect();
      l2Redis.disconnect();
    }
  });

  it('starts a new epoch when the database goes back under a running relay and writes reuse seqs the stream holds', async () => {
    const prefix = `${ctx.prefix}:fresh`;
    const relay = startRelay(prefix);
    try {
      await writeProducts(2);
      await waitUntilDrained();
      const oldEpoch = await databaseEpoch();
      // One event back: the next write takes the stream's top seq again, for another event.
      await rollBack(1);
      const base = await lastSeq();
      await writeProducts(3);
      await waitUntilDrained();
      const epoch = await databaseEpoch();
      expect(epoch).not.toBe(oldEpoch);
      expect(relay.stats.regressions.different_event).toBe(1);
      expect(parseEpochRecord(await redis.hgetall(eventKeys({ prefix }).epoch))).toEqual({ id: epoch, base });
      const events = await readStream(prefix);
      expect(events.map((e) => [e.seq, e.epoch])).toEqual([1, 2, 3].map((i) => [base + i, epoch]));
    } finally {
      await relay.stop();
    }
  });

  it('moves its lease past a generation the stream saw that the restored database does not know, and publishes', async () => {
    const prefix = `${ctx.prefix}:fresh`;
    // Takeovers after the backup the database was restored from raised the stream's fencing token.
    await redis.hset(eventKeys({ prefix }).epoch, 'generation', 99);
    await writeProducts(1);
    const relay = await relayUntilDrained(prefix);
    const { rows } = await pool.query<{ generation: number }>('SELECT lease_generation::int AS generation FROM outbox_sequence');
    expect(rows[0]!.generation).toBeGreaterThan(99);
    expect(relay.stats.generation).toBe(rows[0]!.generation);
    expect(Number(await redis.hget(eventKeys({ prefix }).epoch, 'generation'))).toBe(rows[0]!.generation);
    expect((await readStream(prefix)).at(-1)?.seq).toBe(await lastSeq());
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
