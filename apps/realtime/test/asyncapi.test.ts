import { Parser, type AsyncAPIDocumentInterface } from '@asyncapi/parser';
import type { CartUpdatedEvent, OrderEvent } from '@livecart/schemas';
import { mintRealtimeToken, parseRealtimeTokenKeys } from '@livecart/schemas/realtime-token-signing';
import { clearRedisPrefix, REALTIME_TOKEN_KEYS_OF_RUN, requireBuilds, startBuiltApp, testRedisPrefix, type BuiltApp } from '@livecart/local-services/testing';
import { Ajv, type ValidateFunction } from 'ajv';
import ajvFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { TestClient } from './support/client.js';
import { product, productId, productUpdated } from './support/events.js';
import { TestPublisher } from './support/publisher.js';

/*
 * The AsyncAPI document the built server serves, checked against what that server really sends: every frame
 * of a conversation that goes through each server message (JSON and MessagePack) must match the document's
 * message for its type, and for an event the message of the channel of its topic. Objects are closed for
 * the check, so a field on the wire that the document does not name fails too.
 */

const PUBLIC_URL = 'wss://realtime.example.com';
const ORDER = `order:${productId(41)}`;
const CART = `cart:${productId(42)}`;
const redisUrl = inject('redisUrl');
const prefix = testRedisPrefix('realtime-asyncapi');

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- walking a JSON document

let server: BuiltApp;
let publisher: TestPublisher;
let wsUrl: string;
let served: Response;
let document: Json;
let parsed: AsyncAPIDocumentInterface;
const clients: TestClient[] = [];

beforeAll(async () => {
  requireBuilds(['realtime']);
  publisher = new TestPublisher(redisUrl, prefix, { maxLen: 1_000 });
  // A history that starts after seq 1, written before the server started (so its recent-events window does
  // not hold seq 1 either): `since: 0` can only be answered with reset.
  await publisher.publishMany(2);
  await publisher.trimThrough(1);
  server = await startBuiltApp('realtime', {
    name: 'realtime-asyncapi',
    env: { REDIS_URL: redisUrl, REDIS_PREFIX: prefix, WS_ALLOW_NO_ORIGIN: 'true', PUBLIC_URL },
  });
  wsUrl = `${server.url.replace(/^http/, 'ws')}/ws`;
  served = await fetch(`${server.url}/asyncapi.json`);
  document = (await served.clone().json()) as Json;
  const result = await new Parser().parse(structuredClone(document) as never);
  if (!result.document) throw new Error(`the parser refused the served document: ${JSON.stringify(result.diagnostics)}`);
  parsed = result.document;
}, 60_000);

afterAll(async () => {
  for (const client of clients) client.ws.terminate();
  await server?.stop();
  await publisher?.close();
  await clearRedisPrefix(redisUrl, prefix);
});

async function connect(msgpack = false): Promise<TestClient> {
  const client = await TestClient.connect(wsUrl, { msgpack });
  clients.push(client);
  await client.waitForType('welcome');
  return client;
}

describe('GET /asyncapi.json', () => {
  it('serves the AsyncAPI document, for the configured public URL, cacheable and with a strong ETag', () => {
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(served.headers.get('cache-control')).toBe('public, max-age=300');
    expect(served.headers.get('etag')).toMatch(/^"[\w-]{32}"$/);
    expect(document.asyncapi).toBe('3.0.0');
    expect(document.servers.realtime).toMatchObject({ host: 'realtime.example.com', protocol: 'wss' });
    expect(parsed.operations().all().length).toBeGreaterThan(0);
  });

  it('answers a matching If-None-Match with 304 and no body, a stale one with the document', async () => {
    const etag = served.headers.get('etag') ?? '';
    const fresh = await fetch(`${server.url}/asyncapi.json`, { headers: { 'if-none-match': `"stale", W/${etag}` } });
    expect(fresh.status).toBe(304);
    expect(fresh.headers.get('etag')).toBe(etag);
    expect(await fresh.text()).toBe('');
    const stale = await fetch(`${server.url}/asyncapi.json`, { headers: { 'if-none-match': '"stale"' } });
    expect(stale.status).toBe(200);
    const head = await fetch(`${server.url}/asyncapi.json`, { method: 'HEAD' });
    expect([head.status, head.headers.get('etag'), await head.text()]).toEqual([200, etag, '']);
  });
});

/** A copy of a JSON Schema in which every object that lists its properties accepts no others. */
function closed(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closed);
  if (schema === null || typeof schema !== 'object') return schema;
  const copy: Json = Object.fromEntries(Object.entries(schema).map(([key, value]) => [key, closed(value)]));
  if (copy.type === 'object' && copy.properties && copy.additionalProperties === undefined) copy.additionalProperties = false;
  return copy;
}

/** The server → client messages of a channel, by the `type` their payload fixes, each as a closed validator. */
const validatorCache = new Map<string, Map<string, { name: string; validate: ValidateFunction }[]>>();
function validatorsOf(channelKey: string): Map<string, { name: string; validate: ValidateFunction }[]> {
  const cached = validatorCache.get(channelKey);
  if (cached) return cached;
  const ajv = new Ajv({ allErrors: true, strict: false });
  ajvFormats.default(ajv);
  const byType = new Map<string, { name: string; validate: ValidateFunction }[]>();
  const channel = parsed.channels().get(channelKey);
  if (!channel) throw new Error(`no channel ${channelKey} in the served document`);
  for (const message of channel.messages().all()) {
    const payload = message.payload()?.json() as Json;
    const type = payload.properties.type.const as string;
    byType.set(type, [...(byType.get(type) ?? []), { name: message.id(), validate: ajv.compile(closed(payload) as object) }]);
  }
  validatorCache.set(channelKey, byType);
  return byType;
}

/** The topic channel an event's first topic belongs to: its address, parameters filled by anything. */
function channelOfTopic(topic: string): string {
  for (const [key, channel] of Object.entries(document.channels as Json)) {
    if (key === 'socket') continue;
    const pattern = new RegExp(`^${(channel.address as string).replace(/\{\w+\}/g, '[^:]+')}$`);
    if (pattern.test(topic)) return key;
  }
  throw new Error(`no channel of the document carries ${topic}`);
}

/** Why `message` does not match the document, or undefined when it does. */
function mismatch(message: Json): string | undefined {
  const candidates = validatorsOf('socket').get(message.type as string);
  if (!candidates) return `type ${String(message.type)} is not a message of the socket channel`;
  const failures = candidates.map(({ name, validate }) => (validate(message) ? undefined : `${name}: ${ajvErrors(validate)}`));
  if (failures.every((failure) => failure !== undefined)) return failures.join('; ');
  if (message.type !== 'event') return undefined;
  const topicChannel = channelOfTopic((message.event as Json).topics[0] as string);
  const [own] = validatorsOf(topicChannel).get('event') ?? [];
  if (!own) return `channel ${topicChannel} has no event message`;
  return own.validate(message) ? undefined : `channel ${topicChannel} / ${own.name}: ${ajvErrors(own.validate)}`;
}

const ajvErrors = (validate: ValidateFunction) => JSON.stringify(validate.errors?.slice(0, 3));

function orderPaid(seq: number): OrderEvent {
  const now = new Date().toISOString();
  return {
    seq,
    type: 'order.paid',
    topics: [ORDER],
    occurredAt: now,
    actor: { type: 'system', id: null, name: 'payments' },
    data: {
      id: productId(41),
      status: 'paid',
      items: [{ productId: productId(1), sku: 'SKU-0001', name: 'Espresso cup', quantity: 2, unitPriceMinor: 1299, lineTotalMinor: 2598 }],
      currency: 'EUR',
      totalMinor: 2598,
      createdAt: now,
      updatedAt: now,
      paymentDueAt: now,
    },
  };
}

function cartUpdated(seq: number): CartUpdatedEvent {
  const now = new Date().toISOString();
  const { id, sku, name, priceMinor } = product({ id: productId(1) });
  return {
    seq,
    type: 'cart.updated',
    topics: [CART],
    occurredAt: now,
    actor: { type: 'guest', id: null, name: 'guest' },
    data: {
      id: productId(42),
      currency: 'EUR',
      lines: [{ productId: id, sku, name, quantity: 1, unitPriceMinor: priceMinor, currency: 'EUR', lineTotalMinor: priceMinor, available: 9, heldUntil: now }],
      itemCount: 1,
      totalMinor: priceMinor,
      expiresAt: now,
      updatedAt: now,
    },
  };
}

/** One connection through every server message: welcome, subscribed, event (all three kinds), batch, reset, error, unsubscribed, pong. */
async function converse(client: TestClient): Promise<void> {
  const token = mintRealtimeToken({ ring: parseRealtimeTokenKeys(REALTIME_TOKEN_KEYS_OF_RUN), subject: 'guest:test', topics: [ORDER, CART], nowMs: Date.now() }).token;
  const request = async (message: Json) => {
    const id = `r${client.messages.length}`;
    client.send({ ...message, id });
    return client.waitFor((answer) => 'id' in answer && answer.id === id);
  };
  expect(await request({ type: 'subscribe', topics: ['catalog', `product:${productId(1)}`, 'category:kitchen'] })).toMatchObject({ type: 'subscribed' });
  expect(await request({ type: 'subscribe', topics: [ORDER, CART], token })).toMatchObject({ type: 'subscribed' });

  const delivered = (seq: number) =>
    client.waitFor((message) => (message.type === 'event' && message.event.seq === seq) || (message.type === 'batch' && message.events.some((event) => event.seq === seq)));
  // One at a time, each its own frame: a product's, an order's, a cart's.
  for (const make of [productUpdated, orderPaid, cartUpdated]) await delivered((await publisher.publish((seq) => make(seq))).seq);
  // A burst of both kinds, ready at once: a mixed batch.
  const burst = await publisher.publishBurst(6, (seq) => (seq % 2 === 0 ? productUpdated(seq) : orderPaid(seq)));
  await delivered(burst.at(-1)?.seq ?? 0);

  expect(await request({ type: 'subscribe', topics: ['category:garden'], since: 0 })).toMatchObject({ type: 'reset', reason: 'history_trimmed' });
  expect(await request({ type: 'subscribe', topics: ['category:Not A Slug'] })).toMatchObject({ type: 'error', code: 'bad_topic' });
  expect(await request({ type: 'subscribe', topics: [`order:${productId(43)}`] })).toMatchObject({ type: 'error', code: 'token_required' });
  expect(await request({ type: 'unsubscribe', topics: ['category:kitchen'] })).toMatchObject({ type: 'unsubscribed' });
  expect(await request({ type: 'ping' })).toMatchObject({ type: 'pong' });
}

describe('what the server sends, against the document it serves', () => {
  it.each([
    ['JSON', false],
    ['MessagePack', true],
  ])('every frame of a %s conversation matches its message, and each event the message of its topic channel', async (_format, msgpack) => {
    const client = await connect(msgpack);
    await converse(client);

    const seen = new Set(client.messages.map((message) => message.type));
    expect([...seen].sort()).toEqual(['batch', 'error', 'event', 'pong', 'reset', 'subscribed', 'unsubscribed', 'welcome']);
    const kinds = new Set(client.messages.flatMap((message) => (message.type === 'event' ? [channelOfTopic(message.event.topics[0] ?? '')] : [])));
    expect([...kinds].sort()).toEqual(['cart', 'order', 'product']);

    const mismatches = client.messages.map((message) => [message.type, mismatch(message as Json)]).filter(([, why]) => why !== undefined);
    expect(mismatches).toEqual([]);
  });

  it('would catch a frame the document does not describe', () => {
    const welcome = { type: 'welcome', protocolVersion: 1, instanceId: 'x', seq: 1, limits: { maxTopicsPerConnection: 1, maxMessagesPerSecond: 1, maxPayloadBytes: 1, heartbeatIntervalMs: 1 } };
    expect(mismatch(welcome)).toBeUndefined();
    expect(mismatch({ ...welcome, undocumented: true })).toMatch(/additionalProperties/);
    expect(mismatch({ type: 'event', event: { ...productUpdated(5), type: 'order.paid' } })).toBeDefined();
    expect(mismatch({ type: 'event', event: productUpdated(5, { topics: [ORDER] }) })).toMatch(/channel order/);
    expect(mismatch({ type: 'surprise' })).toMatch(/not a message/);
  });
});
