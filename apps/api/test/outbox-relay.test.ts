import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitUntil } from '@livecart/local-services/testing';
import { findFreePort } from '@livecart/local-services';
import { eventJsonOfEntry, eventKeys, streamPositionOf } from '@livecart/schemas/transport';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutboxRelay } from '../src/outbox/relay.js';
import { AUTH, createProductVia, createTestContext, testPool, testRelayOptions, type TestContext } from './helpers.js';

let ctx: TestContext;
let writer: FastifyInstance;
const cleanups: (() => Promise<unknown> | void)[] = [];

beforeAll(async () => {
  ctx = await createTestContext('relay');
  // Writes only: these tests run their own relays.
  writer = await ctx.app({ OUTBOX_RELAY_ENABLED: 'false' });
});
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  await ctx.close();
});

interface StreamEvent {
  seq: number;
  type: string;
  data: { id: string; version: number };
}

async function readStream(redisUrl: string, prefix: string): Promise<StreamEvent[]> {
  const redis = new Redis(redisUrl);
  try {
    const entries = await redis.xrange(eventKeys({ prefix }).stream, '-', '+');
    return entries.map(([id, fields]) => {
      const event = JSON.parse(eventJsonOfEntry(fields) ?? '') as StreamEvent;
      expect(event.seq).toBe(streamPositionOf(id).seq);
      return event;
    });
  } finally {
    redis.disconnect();
  }
}

function relayFor(redis: Redis, prefix: string, applicationName: string): OutboxRelay {
  const relay = new OutboxRelay(testRelayOptions(ctx, { redis, prefix, applicationName }));
  cleanups.push(() => relay.stop());
  return relay;
}

async function unpublishedCount(): Promise<number> {
  const pool = testPool(ctx.databaseUrl);
  try {
    // Rejected rows are set aside for good: they do not wait.
    const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL AND rejected_at IS NULL');
    return rows[0]?.n ?? 0;
  } finally {
    await pool.end();
  }
}

async function outboxCount(): Promise<number> {
  const pool = testPool(ctx.databaseUrl);
  try {
    const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox');
    return rows[0]?.n ?? 0;
  } finally {
    await pool.end();
  }
}

/** Relays of these tests take turns on one outbox; each test starts when the previous one drained it. */
async function drained(): Promise<void> {
  await waitUntil(async () => ((await unpublishedCount()) === 0 ? true : undefined), { what: 'outbox drained', timeoutMs: 10_000, intervalMs: 20 });
}

describe('outbox relay', () => {
  it('publishes 200 concurrent writes as seqs 1..N, gapless, in order, each exactly once', async () => {
    const prefix = `${ctx.prefix}:ordering`;
    const redis = new Redis(ctx.redisUrl);
    cleanups.push(() => redis.quit());
    const relay = relayFor(redis, prefix, 'relay-ordering');
    relay.start();

    const products = await Promise.all(Array.from({ length: 20 }, () => createProductVia(writer, { stock: 1_000 })));
    const patches = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        writer.inject({ method: 'PATCH', url: `/v1/products/${products[i % 20]?.id}`, headers: { ...AUTH, 'if-match': '*' }, payload: { stock: i } }),
      ),
    );
    expect(patches.every((r) => r.statusCode === 200)).toBe(true);
    const total = await outboxCount();
    expect(total).toBe(220);

    const events = await waitUntil(async () => {
      const stream = await readStream(ctx.redisUrl, prefix);
      return stream.length >= total ? stream : undefined;
    }, { what: 'all events in the stream', timeoutMs: 10_000, intervalMs: 20 });
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    // Per product, versions only go up in seq order: the stream never shows an older state after a newer one.
    const lastVersion = new Map<string, number>();
    for (const event of events) {
      expect(event.data.version).toBeGreaterThan(lastVersion.get(event.data.id) ?? 0);
      lastVersion.set(event.data.id, event.data.version);
    }
    await drained();
    await relay.stop();
  });

  it('keeps events while Redis is down and publishes each once, in order, when it is back', async () => {
    const port = await findFreePort();
    const dir = mkdtempSync(join(tmpdir(), 'livecart-redis-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const startRedis = async (): Promise<ChildProcess> => {
      const server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
      const probe = new Redis(port, '127.0.0.1', { lazyConnect: true, retryStrategy: () => null });
      probe.on('error', () => {});
      await waitUntil(async () => ((await probe.connect().then(() => true, () => undefined)) ? true : undefined), { what: 'redis-server', timeoutMs: 5_000, intervalMs: 20 });
      probe.disconnect();
      return server;
    };
    const stopRedis = (server: ChildProcess) =>
      new Promise<void>((resolve) => {
        server.once('exit', () => resolve());
        server.kill('SIGKILL');
      });

    let server = await startRedis();
    cleanups.push(() => (server.exitCode === null ? stopRedis(server) : undefined));
    const prefix = `${ctx.prefix}:outage`;
    const url = `redis://127.0.0.1:${port}`;
    const redis = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => 100 });
    redis.on('error', () => {});
    cleanups.push(() => redis.disconnect());
    const relay = relayFor(redis, prefix, 'relay-outage');
    const before = await outboxCount();
    relay.start();

    const product = await createProductVia(writer);
    await waitUntil(async () => ((await readStream(url, prefix)).length === 1 ? true : undefined), { what: 'first event', timeoutMs: 5_000, intervalMs: 20 });

    await stopRedis(server);
    for (let i = 0; i < 10; i++) {
      const response = await writer.inject({ method: 'PATCH', url: `/v1/products/${product.id}`, headers: { ...AUTH, 'if-match': '*' }, payload: { stock: i } });
      expect(response.statusCode).toBe(200);
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await unpublishedCount()).toBe(10);

    // The restarted server is empty (no persistence): exactly the waiting events must arrive.
    server = await startRedis();
    const events = await waitUntil(async () => {
      const stream = await readStream(url, prefix);
      return stream.length >= 10 ? stream : undefined;
    }, { what: 'events after the outage', timeoutMs: 10_000, intervalMs: 20 });
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 10 }, (_, i) => before + 2 + i));
    expect(events.map((e) => e.data.version)).toEqual(Array.from({ length: 10 }, (_, i) => i + 2));
    await drained();
    await relay.stop();
  });

  it('backs off while Redis refuses batches instead of re-reading the backlog on every commit', async () => {
    const prefix = `${ctx.prefix}:backoff`;
    // Nothing listens there: every publish fails at once, as while Redis is down.
    const redis = new Redis(`redis://127.0.0.1:${await findFreePort()}`, { enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => 100 });
    redis.on('error', () => {});
    cleanups.push(() => redis.disconnect());
    const relay = relayFor(redis, prefix, 'relay-backoff');
    relay.start();
    await waitUntil(() => (relay.stats.leader ? true : undefined), { what: 'the relay to lead', timeoutMs: 5_000, intervalMs: 20 });

    const product = await createProductVia(writer);
    const started = Date.now();
    for (let i = 0; i < 40; i++) {
      await writer.inject({ method: 'PATCH', url: `/v1/products/${product.id}`, headers: { ...AUTH, 'if-match': '*' }, payload: { stock: i } });
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const elapsedMs = Date.now() - started;
    // One attempt per NOTIFY (and per 50 ms poll) would be 40 or more; backing off 50, 100, … 1000 ms is about 7.
    expect(relay.stats.failures).toBeGreaterThan(0);
    expect(relay.stats.failures).toBeLessThan(Math.ceil(elapsedMs / 1_000) + 8);
    await relay.stop();

    // The next relay, on a working Redis, takes the waiting events out.
    const working = new Redis(ctx.redisUrl);
    cleanups.push(() => working.quit());
    const drainer = relayFor(working, prefix, 'relay-after-backoff');
    drainer.start();
    await drained();
    await drainer.stop();
  });

  it('sets a row that is not a valid event aside, with the reason, and publishes the rows after it', async () => {
    const prefix = `${ctx.prefix}:rejects`;
    const redis = new Redis(ctx.redisUrl);
    cleanups.push(() => redis.quit());
    const before = await outboxCount();
    const product = await createProductVia(writer);
    const pool = testPool(ctx.databaseUrl);
    cleanups.push(() => pool.end());
    // What a buggy write could leave: a product event whose data is not a product.
    await pool.query(`INSERT INTO outbox (type, topics, data) VALUES ('product.updated', '["catalog"]', '{"id":"not-a-uuid"}')`);
    const patch = await writer.inject({ method: 'PATCH', url: `/v1/products/${product.id}`, headers: { ...AUTH, 'if-match': '*' }, payload: { stock: 3 } });
    expect(patch.statusCode).toBe(200);

    const relay = relayFor(redis, prefix, 'relay-rejects');
    relay.start();
    const events = await waitUntil(async () => {
      const stream = await readStream(ctx.redisUrl, prefix);
      return stream.length >= 2 ? stream : undefined;
    }, { what: 'the valid events', timeoutMs: 10_000, intervalMs: 20 });
    expect(events.map((e) => e.seq)).toEqual([before + 1, before + 3]);
    expect(relay.stats.rejected).toBe(1);
    const { rows } = await pool.query<{ seq: number; published: boolean; rejection: string | null }>(
      'SELECT seq, published_at IS NOT NULL AS published, rejection FROM outbox WHERE rejected_at IS NOT NULL',
    );
    expect(rows).toEqual([{ seq: before + 2, published: false, rejection: expect.stringMatching(/data\.id/) as unknown }]);
    await drained();
    const metrics = await writer.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toMatch(/^outbox_rejected_events 1$/m);
    expect(metrics.body).toMatch(/^outbox_unpublished_events 0$/m);
    await relay.stop();
  });

  it('hands over to another instance within 5 s when the relay holder dies, losing nothing', async () => {
    const prefix = `${ctx.prefix}:takeover`;
    const redis = new Redis(ctx.redisUrl);
    cleanups.push(() => redis.quit());
    const first = relayFor(redis, prefix, 'relay-first');
    const second = relayFor(redis, prefix, 'relay-second');
    first.start();
    await waitUntil(() => (first.stats.leader ? true : undefined), { what: 'first relay leads', timeoutMs: 5_000, intervalMs: 20 });
    second.start();
    const before = await outboxCount();

    const product = await createProductVia(writer);
    await waitUntil(async () => ((await readStream(ctx.redisUrl, prefix)).length === 1 ? true : undefined), { what: 'first event', timeoutMs: 5_000, intervalMs: 20 });
    expect(second.stats.leader).toBe(false);

    // The holder dies: its session goes, and it renews nothing more. Its lease lapses (1.5 s here).
    const pool = testPool(ctx.databaseUrl);
    await pool.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'relay-first'");
    await pool.end();
    const killedAt = Date.now();
    await first.stop();
    for (let i = 0; i < 5; i++) {
      await writer.inject({ method: 'PATCH', url: `/v1/products/${product.id}`, headers: { ...AUTH, 'if-match': '*' }, payload: { stock: i } });
    }
    await waitUntil(() => (second.stats.leader ? true : undefined), { what: 'second relay takes over', timeoutMs: 5_000, intervalMs: 20 });
    expect(Date.now() - killedAt).toBeLessThan(5_000);

    const events = await waitUntil(async () => {
      const stream = await readStream(ctx.redisUrl, prefix);
      return stream.length >= 6 ? stream : undefined;
    }, { what: 'events after the takeover', timeoutMs: 5_000, intervalMs: 20 });
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 6 }, (_, i) => before + 1 + i));
    expect(first.stats.leader).toBe(false);
  });
});
