import { fileURLToPath } from 'node:url';
import { startProcess, waitUntil, type RunningProcess } from '@livecart/local-services/testing';
import { findFreePort } from '@livecart/local-services';
import { eventJsonOfEntry, eventKeys, streamPositionOf } from '@livecart/schemas/transport';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { beginStreamEpoch, claimStream, publishOutcome, queuePublishEvents } from '../src/outbox/publish-script.js';
import { releaseLease, takeLease } from '../src/outbox/relay-lease.js';
import { OutboxRelay } from '../src/outbox/relay.js';
import { AUTH, createProductVia, createTestContext, testPool, testRelayOptions, type TestContext } from './helpers.js';

const API_DIR = fileURLToPath(new URL('..', import.meta.url));
/** The lease of every relay here: short, so that a lapse shows within seconds. */
const LEASE_MS = 1_500;
const RETRY_MS = 100;
/** A standby takes the lease at its first try after the lapse; the rest is slack for a busy machine. */
const TAKEOVER_WITHIN_MS = LEASE_MS + RETRY_MS + 1_500;

let ctx: TestContext;
let writer: FastifyInstance;
let redis: Redis;
let pool: ReturnType<typeof testPool>;
const cleanups: (() => Promise<unknown> | void)[] = [];

beforeAll(async () => {
  ctx = await createTestContext('lease');
  writer = await ctx.app({ OUTBOX_RELAY_ENABLED: 'false' });
  redis = new Redis(ctx.redisUrl);
  pool = testPool(ctx.databaseUrl);
});
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  await pool.end();
  redis.disconnect();
  await ctx.close();
});

function relayFor(prefix: string, applicationName: string): OutboxRelay {
  const relay = new OutboxRelay(testRelayOptions(ctx, { redis, prefix, applicationName }, { lockRetryMs: RETRY_MS, leaseMs: LEASE_MS }));
  cleanups.push(() => relay.stop());
  return relay;
}

async function streamSeqs(prefix: string): Promise<number[]> {
  const entries = await redis.xrange(eventKeys({ prefix }).stream, '-', '+');
  return entries.map(([id, fields]) => {
    const seq = streamPositionOf(id).seq;
    expect((JSON.parse(eventJsonOfEntry(fields) ?? '') as { seq: number }).seq).toBe(seq);
    return seq;
  });
}

async function outboxSeqs(): Promise<number[]> {
  const { rows } = await pool.query<{ seq: number }>('SELECT seq::int FROM outbox WHERE seq IS NOT NULL ORDER BY seq');
  return rows.map((row) => row.seq);
}

async function unpublished(): Promise<number> {
  const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL');
  return rows[0]?.n ?? 0;
}

async function leaseRow(): Promise<{ holder: string | null; generation: number; epoch: string }> {
  const { rows } = await pool.query<{ holder: string | null; generation: number; epoch: string }>(
    'SELECT lease_holder AS holder, lease_generation::int AS generation, epoch FROM outbox_sequence',
  );
  return rows[0]!;
}

/** Relays here take turns on one outbox; each test starts once the previous one drained it. */
async function drained(): Promise<void> {
  await waitUntil(async () => ((await unpublished()) === 0 ? true : undefined), { what: 'outbox drained', timeoutMs: 15_000, intervalMs: 20 });
}

async function metric(base: string, name: string): Promise<number | undefined> {
  const text = await fetch(`${base}/metrics`, { signal: AbortSignal.timeout(2_000) }).then((response) => response.text());
  const match = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
  return match === null ? undefined : Number(match[1]);
}

describe('relay lease', () => {
  it('a frozen holder loses the relay within the lease; woken, it steps down; nothing is lost, duplicated or reordered', async () => {
    const port = await findFreePort();
    const base = `http://127.0.0.1:${port}`;
    const holder: RunningProcess = await startProcess({
      name: 'api-holder',
      command: process.execPath,
      args: ['--import', 'tsx', 'src/server.ts'],
      cwd: API_DIR,
      env: ctx.processEnv(port, { OUTBOX_LEASE_MS: String(LEASE_MS), OUTBOX_LOCK_RETRY_MS: String(RETRY_MS), OUTBOX_POLL_MS: '50' }),
      readyUrl: `${base}/ready`,
      readyTimeoutMs: 30_000,
    });
    let frozen = false;
    cleanups.push(async () => {
      if (frozen) process.kill(holder.pid, 'SIGCONT');
      await holder.stop('SIGTERM', 5_000);
    });
    await waitUntil(async () => ((await metric(base, 'outbox_relay_leader')) === 1 ? true : undefined), { what: 'the child api to lead', timeoutMs: 10_000, intervalMs: 50 });
    const standby = relayFor(ctx.prefix, 'relay-standby');
    standby.start();

    const product = await createProductVia(writer);
    for (let i = 0; i < 5; i++) await writer.inject({ method: 'PATCH', url: `/v1/products/${product.id}`, headers: { ...AUTH, 'if-match': '*' }, payload: { stock: i } });
    await drained();
    expect(standby.stats.leader).toBe(false);
    const firstGeneration = (await leaseRow()).generation;

    // Writes go on all along, as under load.
    let writing = true;
    let written = 0;
    const writes = (async () => {
      while (writing) {
        const response = await writer.inject({ method: 'PATCH', url: `/v1/products/${product.id}`, headers: { ...AUTH, 'if-match': '*' }, payload: { stock: written } });
        expect(response.statusCode).toBe(200);
        written++;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    // Should an assertion fail first, the writes stop before the writer closes.
    cleanups.push(async () => {
      writing = false;
      await writes.catch(() => {});
    });

    process.kill(holder.pid, 'SIGSTOP');
    frozen = true;
    const frozenAt = Date.now();
    await waitUntil(() => (standby.stats.leader ? true : undefined), { what: 'the standby to take the lease', timeoutMs: 10_000, intervalMs: 10 });
    const takeoverMs = Date.now() - frozenAt;
    expect(takeoverMs).toBeLessThanOrEqual(TAKEOVER_WITHIN_MS);
    expect(standby.stats.generation).toBe(firstGeneration + 1);
    // The standby publishes while the holder is still frozen.
    await waitUntil(() => (standby.stats.published > 0 ? true : undefined), { what: 'the standby to publish', timeoutMs: 5_000, intervalMs: 10 });
    await new Promise((resolve) => setTimeout(resolve, 1_000));

    process.kill(holder.pid, 'SIGCONT');
    frozen = false;
    await waitUntil(async () => ((await metric(base, 'outbox_relay_lease_losses_total')) === 1 ? true : undefined), { what: 'the woken holder to step down', timeoutMs: 5_000, intervalMs: 25 });
    expect(await metric(base, 'outbox_relay_leader')).toBe(0);
    expect(await metric(base, 'outbox_relay_lease_generation')).toBe(firstGeneration);
    await new Promise((resolve) => setTimeout(resolve, 500));
    writing = false;
    await writes;
    await drained();

    expect(standby.stats.leader).toBe(true);
    expect(written).toBeGreaterThan(10);
    // Every event once, in seq order, and exactly the database's.
    const seqs = await streamSeqs(ctx.prefix);
    expect(seqs).toEqual(await outboxSeqs());
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
    await holder.stop('SIGTERM', 5_000);
    await standby.stop();
  }, 60_000);

  it('a holder whose lease another took assigns no seq and publishes nothing until it takes the lease again', async () => {
    await drained();
    const prefix = ctx.prefix;
    const relay = relayFor(prefix, 'relay-superseded');
    relay.start();
    await waitUntil(() => (relay.stats.leader ? true : undefined), { what: 'the relay to lead', timeoutMs: 5_000, intervalMs: 10 });
    const before = await streamSeqs(prefix);

    // Another instance takes over (as after a lapse the holder missed) and claims the stream.
    const client = await pool.connect();
    let taken;
    try {
      await client.query('UPDATE outbox_sequence SET lease_expires_at = clock_timestamp()');
      taken = await takeLease(client, 'another-instance', 60_000);
      expect(taken?.generation).toBe(relay.stats.generation + 1);
      expect(await claimStream(redis, { stream: eventKeys({ prefix }).stream, epochKey: eventKeys({ prefix }).epoch }, (await leaseRow()).epoch, taken!.generation)).toBe(true);
    } finally {
      client.release();
    }
    await createProductVia(writer);
    await waitUntil(() => (relay.stats.leaseLosses === 1 ? true : undefined), { what: 'the relay to step down', timeoutMs: 5_000, intervalMs: 10 });
    expect(relay.stats.leader).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox WHERE seq IS NULL');
    expect(rows[0]?.n).toBe(1);
    expect(await streamSeqs(prefix)).toEqual(before);

    // The other one lets go: the relay takes a new generation and publishes the waiting event, in order.
    const releasing = await pool.connect();
    try {
      await releaseLease(releasing, taken!);
    } finally {
      releasing.release();
    }
    await drained();
    expect(relay.stats.leader).toBe(true);
    expect(relay.stats.generation).toBe(taken!.generation + 1);
    const after = await streamSeqs(prefix);
    expect(after).toEqual([...before, before.length + 1]);
    await relay.stop();
  });

  it('the stream refuses writes of a superseded generation, and compares generations within one epoch only', async () => {
    const prefix = `${ctx.prefix}:fencing`;
    const keys = { stream: eventKeys({ prefix }).stream, epochKey: eventKeys({ prefix }).epoch };
    const epoch = '00000000-0000-4000-8000-00000000000a';
    const event = { seq: 1, type: 'product.updated', topics: ['catalog'], occurredAt: new Date(0).toISOString(), data: { id: 'x', version: 1 } };
    const publish = async (generation: number, inEpoch = epoch) => {
      const pipeline = redis.pipeline();
      queuePublishEvents(pipeline, { ...keys, channel: `${prefix}:events`, epoch: inEpoch, generation, maxLen: 1_000, events: [{ seq: 1, json: JSON.stringify({ ...event, epoch: inEpoch }) }] });
      const results = (await pipeline.exec()) ?? [];
      return publishOutcome(results.at(-1)?.[1]);
    };
    await redis.hset(keys.epochKey, 'id', epoch, 'base', 0);

    // Generation 3 took over and claimed the stream: generation 2, which does not know yet, is refused.
    expect(await claimStream(redis, keys, epoch, 3)).toBe(true);
    expect(await publish(2)).toEqual({ kind: 'fenced', generation: 3 });
    expect(await redis.xlen(keys.stream)).toBe(0);
    expect(await beginStreamEpoch(redis, { ...keys, channel: `${prefix}:events` }, { epoch: '00000000-0000-4000-8000-00000000000b', base: 0, previousEpoch: epoch }, 2)).toBe(false);
    expect(await redis.hget(keys.epochKey, 'id')).toBe(epoch);
    expect(await claimStream(redis, keys, epoch, 2)).toBe(false);
    expect(await publish(3)).toEqual({ kind: 'ok' });
    expect(await redis.xlen(keys.stream)).toBe(1);

    // A record of another history (a new database under this prefix) is judged by the epoch rules, not fenced.
    expect(await publish(1, '00000000-0000-4000-8000-00000000000c')).toEqual({ kind: 'epoch', streamEpoch: epoch });
  });
});
