import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { runMigrations } from '@livecart/api/src/db/migrate.js';
import type { PendingEvent } from '@livecart/api/src/db/outbox.js';
import { connectionConfig, createPool } from '@livecart/api/src/db/pool.js';
import { recordChanges } from '@livecart/api/src/db/record-changes.js';
import { EventConsumer } from '@livecart/api/src/events/event-consumer.js';
import { OutboxRelay } from '@livecart/api/src/outbox/relay.js';
import { ensureServices, type Services } from '@livecart/local-services';
import { clearRedisPrefix, createTestDatabase, testRedisPrefix, waitUntil, type TestDatabase } from '@livecart/local-services/testing';
import { buildApp } from '@livecart/realtime/src/app.js';
import { readEnv } from '@livecart/realtime/src/env.js';
import { optionsFromEnv } from '@livecart/realtime/src/options.js';
import type { Actor } from '@livecart/schemas/actor';
import { EventSchema, type LivecartEvent } from '@livecart/schemas/events';
import type { Product } from '@livecart/schemas/product';
import { ServerMessageSchema } from '@livecart/schemas/realtime';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import type pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';

/*
 * The event transport contract, end to end with the real code on both sides: the api's write path puts
 * events in the outbox, its relay validates and publishes them to Redis, and the realtime server reads
 * them back, live from the channel and replayed from the stream, as does the api's own event consumer.
 * Both sides take the contract from @livecart/schemas/transport; if either spells a key, an entry id,
 * the entry field or the head differently, events stop arriving here.
 */

const quiet = pino({ level: 'silent' });
const prefix = testRedisPrefix('event-contract');

function product(version: number, stock: number): Product {
  return {
    id: productId,
    sku: 'CONTRACT-1',
    name: 'Contract mug',
    description: 'Carried through the outbox, Redis and the realtime server.',
    category: 'kitchen',
    priceMinor: 1299,
    currency: 'EUR',
    stock,
    imageUrl: null,
    version,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
  };
}

const productId = randomUUID();
const topics = ['catalog', `product:${productId}`, 'category:kitchen'];
const history: PendingEvent[] = [
  { type: 'product.created', topics, data: product(1, 5) },
  { type: 'product.updated', topics, data: product(2, 5) },
  { type: 'stock.changed', topics, data: product(3, 4) },
];
const later: PendingEvent[] = [
  { type: 'stock.changed', topics, data: product(4, 3) },
  { type: 'product.deleted', topics, data: { id: productId, sku: 'CONTRACT-1', category: 'kitchen', version: 5 } },
];

const editor: Actor = { type: 'user', id: randomUUID(), name: 'ada@shop.example' };
const shopper: Actor = { type: 'guest', id: null, name: 'guest' };
/** Who wrote each event: the first as a producer before 0.2.0 did (no actor), then the api's write path. */
const actors: (Actor | undefined)[] = [undefined, editor, editor, shopper, editor];

/** A subscriber like the storefront's: subscribes with `since`, keeps every event it is sent. */
function subscribe(url: string, since: number): Promise<{ events: LivecartEvent[]; socket: WebSocket }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    const events: LivecartEvent[] = [];
    socket.on('error', reject);
    socket.on('message', (raw) => {
      const message = ServerMessageSchema.parse(JSON.parse(String(raw)));
      if (message.type === 'welcome') socket.send(JSON.stringify({ type: 'subscribe', topics: ['catalog'], since }));
      else if (message.type === 'subscribed') resolve({ events, socket });
      else if (message.type === 'event') events.push(message.event);
      else if (message.type === 'batch') events.push(...message.events);
      else if (message.type === 'reset' || message.type === 'error') reject(new Error(`unexpected ${JSON.stringify(message)}`));
    });
  });
}

describe('event transport: api outbox relay → Redis → realtime server and api event consumer', () => {
  let services: Services;
  let database: TestDatabase;
  let pool: pg.Pool;
  let relay: OutboxRelay;
  let realtime: FastifyInstance;
  let wsUrl = '';
  const redis: Redis[] = [];
  const invalidated: string[] = [];
  let consumer: EventConsumer;

  /** Each event in its own transaction, as its actor's write; without an actor, the row a 0.1 producer wrote. */
  async function write(events: readonly PendingEvent[], from: number): Promise<void> {
    const client = await pool.connect();
    try {
      for (const [i, event] of events.entries()) {
        const actor = actors[from + i];
        await client.query('BEGIN');
        if (actor === undefined) await client.query('INSERT INTO outbox (type, topics, data) VALUES ($1, $2, $3)', [event.type, JSON.stringify(event.topics), event.data]);
        else await recordChanges(client, actor, [{ action: 'product.updated', subject: { type: 'product', id: productId }, change: [], event }]);
        await client.query('COMMIT');
      }
    } finally {
      client.release();
    }
  }

  beforeAll(async () => {
    services = await ensureServices({ mode: 'test' });
    database = await createTestDatabase({ adminUrl: services.databaseUrl, migrate: (url) => runMigrations({ databaseUrl: url }).then(() => {}) });
    pool = createPool({ connectionString: database.url, max: 2, statementTimeoutMs: 10_000, applicationName: 'event-contract' });

    const env = readEnv({ NODE_ENV: 'test', REDIS_URL: services.redisUrl, REDIS_PREFIX: prefix, WS_ALLOW_NO_ORIGIN: 'true', SHUTDOWN_GRACE_MS: '1000' });
    realtime = await buildApp(optionsFromEnv(env, quiet));
    await realtime.listen({ host: '127.0.0.1', port: 0 });
    await realtime.liveFeed.source.whenReady();
    wsUrl = `ws://127.0.0.1:${(realtime.server.address() as AddressInfo).port}/ws`;

    const [publisher, subscriber, reader] = [0, 1, 2].map(() => new Redis(services.redisUrl, { autoResubscribe: false }));
    redis.push(publisher!, subscriber!, reader!);
    consumer = new EventConsumer({
      subscriber: subscriber!,
      reader: reader!,
      prefix,
      cache: { apply: (head) => invalidated.push(head.subjectId), clear: () => invalidated.push('(all)'), setL1Enabled: () => {} },
      log: quiet,
    });
    await consumer.start(5_000);

    relay = new OutboxRelay({
      connection: connectionConfig({ connectionString: database.url, statementTimeoutMs: 10_000, applicationName: 'event-contract-relay' }),
      redis: publisher!,
      prefix,
      streamMaxLen: 1_000,
      pollMs: 50,
      lockRetryMs: 200,
      leaseMs: 1_500,
      batchSize: 100,
      retentionHours: 24,
      log: quiet,
    });
  });

  afterAll(async () => {
    await relay?.stop();
    await realtime?.close();
    for (const connection of redis) connection.disconnect();
    await pool?.end();
    await database?.drop();
    await clearRedisPrefix(services.redisUrl, prefix);
    await services?.stop();
  });

  it('delivers what the relay published, replayed from the stream and then live, byte for byte as validated, actor included', async () => {
    await write(history, 0);
    relay.start();
    await waitUntil(() => (relay.stats.lastPublishedSeq === history.length ? true : undefined), { what: 'the relay to publish the history', timeoutMs: 10_000, intervalMs: 20 });

    // Replay: the realtime server reads entries 1..3 back from the stream (key, entry ids, field, head).
    const client = await subscribe(wsUrl, 0);
    await waitUntil(() => (client.events.length === history.length ? true : undefined), { what: 'the replayed history', timeoutMs: 10_000, intervalMs: 20 });

    // Live: published on the channel after the subscription.
    await write(later, history.length);
    const all = history.length + later.length;
    await waitUntil(() => (client.events.length === all ? true : undefined), { what: 'the live events', timeoutMs: 10_000, intervalMs: 20 });
    client.socket.close();

    expect(client.events.map((event) => event.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(client.events.map((event) => event.type)).toEqual([...history, ...later].map((event) => event.type));
    // Every event names the database's epoch (the stream was new, so the relay recorded that one).
    const { rows } = await pool.query<{ epoch: string }>('SELECT epoch FROM outbox_sequence');
    const epoch = rows[0]?.epoch;
    for (const [i, event] of client.events.entries()) {
      const actor = actors[i];
      expect(EventSchema.parse(event)).toEqual({ ...[...history, ...later][i], seq: i + 1, epoch, occurredAt: event.occurredAt, ...(actor === undefined ? {} : { actor }) });
    }
    expect(client.events.map((event) => event.actor?.name)).toEqual(actors.map((actor) => actor?.name));

    // The api's own consumer, subscribed before the first event, read the same heads: one invalidation each.
    await waitUntil(() => (consumer.appliedSeq === all ? true : undefined), { what: 'the api consumer to apply every event', timeoutMs: 10_000, intervalMs: 20 });
    expect(invalidated).toEqual(Array.from({ length: all }, () => productId));
  });
});
