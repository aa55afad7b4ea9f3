import { describe, expect, it } from 'vitest';
import { ClientMessageSchema, PROTOCOL_VERSION, ServerMessageSchema } from './realtime.js';
import { sampleProduct } from '../test/fixtures.js';

const product = sampleProduct;
const id = product.id;
const event = {
  seq: 1042,
  type: 'stock.changed',
  topics: [`product:${id}`, 'category:kitchen', 'catalog'],
  occurredAt: '2025-01-03T03:04:05Z',
  data: product,
};

/** Messages arrive as JSON text frames. */
const frame = (message: unknown) => JSON.parse(JSON.stringify(message)) as unknown;

describe('ClientMessageSchema', () => {
  it.each([
    { type: 'subscribe', topics: ['catalog'] },
    { type: 'subscribe', topics: [`product:${id}`, 'category:kitchen'], since: 1041, id: 'r1' },
    { type: 'subscribe', topics: ['catalog'], since: 0 },
    { type: 'unsubscribe', topics: ['category:kitchen'], id: 'r2' },
    { type: 'ping' },
    { type: 'ping', id: 'hb-7' },
  ])('parses %j', (message) => {
    expect(ClientMessageSchema.parse(frame(message))).toEqual(message);
  });

  it.each([
    ['an unknown key', { type: 'ping', ts: 1 }],
    ['an unknown key on subscribe', { type: 'subscribe', topics: ['catalog'], from: 3 }],
    ['no topics', { type: 'subscribe', topics: [] }],
    ['a bad topic', { type: 'subscribe', topics: ['product:42'] }],
    ['a negative since', { type: 'subscribe', topics: ['catalog'], since: -1 }],
    ['a fractional since', { type: 'subscribe', topics: ['catalog'], since: 1.5 }],
    ['a string since', { type: 'subscribe', topics: ['catalog'], since: '10' }],
    ['since on unsubscribe', { type: 'unsubscribe', topics: ['catalog'], since: 1 }],
    ['an unknown type', { type: 'publish', topics: ['catalog'] }],
    ['a server message', { type: 'pong', ts: 1 }],
    ['a long request id', { type: 'ping', id: 'x'.repeat(65) }],
    ['too many topics', { type: 'subscribe', topics: Array(201).fill('catalog') }],
  ])('rejects %s', (_label, message) => {
    expect(ClientMessageSchema.safeParse(frame(message)).success).toBe(false);
  });
});

describe('ServerMessageSchema', () => {
  it.each([
    {
      type: 'welcome',
      protocolVersion: PROTOCOL_VERSION,
      instanceId: 'rt-7f9c',
      seq: 1041,
      limits: {
        maxTopicsPerConnection: 200,
        maxMessagesPerSecond: 50,
        maxPayloadBytes: 65_536,
        heartbeatIntervalMs: 30_000,
      },
    },
    { type: 'subscribed', topics: ['catalog'], seq: 1041, replayed: 3, id: 'r1' },
    { type: 'unsubscribed', topics: ['category:kitchen'] },
    { type: 'event', event },
    { type: 'batch', events: [event, { ...event, seq: 1043 }] },
    { type: 'reset', topics: [`product:${id}`], seq: 900, reason: 'history_trimmed', id: 'r1' },
    { type: 'error', code: 'bad_topic', message: 'must be catalog, product:<uuid> or category:<slug>', id: 'r1' },
    { type: 'pong', id: 'hb-7', ts: 1_735_787_045_000 },
  ])('parses a $type message', (message) => {
    expect(ServerMessageSchema.parse(frame(message))).toEqual(message);
  });

  it('narrows by `type`', () => {
    const message = ServerMessageSchema.parse(frame({ type: 'event', event }));
    const stock = message.type === 'event' && message.event.type === 'stock.changed' ? message.event.data.stock : null;
    expect(stock).toBe(11);
  });

  it.each([
    ['another protocol version', { type: 'welcome', protocolVersion: 2, instanceId: 'a', seq: 0, limits: {} }],
    ['an empty batch', { type: 'batch', events: [] }],
    ['an invalid event', { type: 'event', event: { ...event, data: { ...product, stock: -1 } } }],
    ['an unknown reset reason', { type: 'reset', topics: [], seq: 1, reason: 'bored' }],
    ['an unknown error code', { type: 'error', code: 'oops', message: '' }],
    ['an unknown type', { type: 'hello' }],
  ])('rejects %s', (_label, message) => {
    expect(ServerMessageSchema.safeParse(frame(message)).success).toBe(false);
  });
});
