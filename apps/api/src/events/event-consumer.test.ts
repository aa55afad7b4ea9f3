import { EventEmitter } from 'node:events';
import { EVENT_FIELD, eventKeys, streamEntryId, streamPositionOf, type EventHead } from '@livecart/schemas/transport';
import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { EventConsumer } from './event-consumer.js';

const { channel: CHANNEL } = eventKeys({ prefix: 'p' });
// Only the head matters to the consumer; the rest of a product is left out.
const event = (seq: number, id = `id-${seq}`, epoch?: string) =>
  JSON.stringify({ seq, epoch, type: 'product.updated', topics: ['catalog'], occurredAt: '2026-01-01T00:00:00.000Z', data: { id } });
const entry = (seq: number, id?: string): [string, string[]] => [streamEntryId({ seq }), [EVENT_FIELD, event(seq, id)]];

function setup(stream: [string, string[]][] = [], epochRecord: Record<string, string> = {}) {
  const subscriber = Object.assign(new EventEmitter(), {
    status: 'connecting',
    xrevrange: async () => stream.slice(-1),
    hgetall: async () => epochRecord,
    subscribe: async () => 1,
  });
  const reader = {
    xrange: async (_key: string, from: string, to: string) => {
      const [lo, hi] = [streamPositionOf(from).seq, streamPositionOf(to).seq];
      return stream.filter(([id]) => streamPositionOf(id).seq >= lo && streamPositionOf(id).seq <= hi);
    },
  };
  const calls: string[] = [];
  const cache = {
    apply: (head: EventHead) => calls.push(`invalidate ${head.subjectId}`),
    clear: () => calls.push('clear'),
    setL1Enabled: (on: boolean) => calls.push(`l1 ${on ? 'on' : 'off'}`),
  };
  const errors: string[] = [];
  const log = { info: () => {}, warn: () => {}, error: (_fields: unknown, message: string) => errors.push(message) };
  const consumer = new EventConsumer({ subscriber: subscriber as unknown as Redis, reader: reader as unknown as Redis, prefix: 'p', cache, log: log as never });
  const connect = async () => {
    subscriber.status = 'ready';
    subscriber.emit('ready');
    await consumer.settled();
  };
  const publish = async (message: string) => {
    subscriber.emit('message', CHANNEL, message);
    await consumer.settled();
  };
  return { consumer, subscriber, calls, errors, connect, publish, stream };
}

describe('EventConsumer', () => {
  it('starts at the stream head with L1 on, applies events in order and drops duplicates', async () => {
    const { consumer, calls, connect, publish } = setup([entry(5)]);
    await consumer.start(50);
    await connect();
    expect(consumer.appliedSeq).toBe(5);
    expect(calls).toEqual(['l1 off', 'l1 on']);
    await publish(event(6, 'a'));
    await publish(event(6, 'a'));
    await publish(event(4, 'old'));
    expect(consumer.appliedSeq).toBe(6);
    expect(calls.filter((c) => c.startsWith('invalidate'))).toEqual(['invalidate a']);
  });

  it('empties L1 and starts over at the new seq when an event of another epoch arrives, however low its seq', async () => {
    const [first, second] = ['0b6f1e2a-3c4d-4e5f-8a9b-0c1d2e3f4a5b', '1b6f1e2a-3c4d-4e5f-8a9b-0c1d2e3f4a5b'];
    const { consumer, calls, connect, publish } = setup([entry(5)], { id: first, base: '0' });
    await consumer.start(50);
    await connect();
    expect(consumer.epoch).toBe(first);
    await publish(event(6, 'a', first));
    await publish(event(3, 'b', second));
    expect([consumer.epoch, consumer.appliedSeq]).toEqual([second, 3]);
    await publish(event(4, 'c', second));
    expect(calls.slice(calls.indexOf('l1 on') + 1)).toEqual(['invalidate a', 'clear', 'invalidate c']);
    expect(consumer.appliedSeq).toBe(4);
  });

  it('takes on the epoch of a stream that had no record when its history goes on forward, keeping L1', async () => {
    const epoch = '0b6f1e2a-3c4d-4e5f-8a9b-0c1d2e3f4a5b';
    const { consumer, calls, connect, publish } = setup([entry(5)]);
    await consumer.start(50);
    await connect();
    await publish(event(6, 'a', epoch));
    expect([consumer.epoch, consumer.appliedSeq]).toEqual([epoch, 6]);
    expect(calls.slice(calls.indexOf('l1 on') + 1)).toEqual(['invalidate a']);
  });

  it('fills a gap from the stream before applying the next event', async () => {
    const { consumer, calls, connect, publish, stream } = setup([entry(1)]);
    await consumer.start(50);
    await connect();
    stream.push(entry(2, 'b'), entry(3, 'c'));
    await publish(event(4, 'd'));
    expect(calls.filter((c) => c.startsWith('invalidate'))).toEqual(['invalidate b', 'invalidate c', 'invalidate d']);
    expect(consumer.appliedSeq).toBe(4);
  });

  it('empties L1 when the stream no longer holds the gap', async () => {
    const { consumer, calls, connect, publish } = setup([entry(1)]);
    await consumer.start(50);
    await connect();
    await publish(event(9, 'z'));
    expect(calls).toContain('clear');
    expect(consumer.appliedSeq).toBe(9);
  });

  it('ignores a live message with a malformed head, reporting it, and applies what follows', async () => {
    const { consumer, calls, errors, connect, publish } = setup([entry(1)]);
    await consumer.start(50);
    await connect();
    await publish(JSON.stringify({ seq: 2, type: 'product.updated', data: { id: 'x' } }));
    expect(errors).toEqual(['malformed event ignored']);
    expect(consumer.appliedSeq).toBe(1);
    await publish(event(2, 'y'));
    expect(calls.filter((c) => c.startsWith('invalidate'))).toEqual(['invalidate y']);
  });

  it('empties L1 when an entry that fills a gap has a malformed head', async () => {
    const { consumer, calls, connect, publish, stream } = setup([entry(1)]);
    await consumer.start(50);
    await connect();
    stream.push([streamEntryId({ seq: 2 }), [EVENT_FIELD, '{"seq":2}']]);
    await publish(event(3, 'c'));
    expect(calls.slice(-2)).toEqual(['clear', 'invalidate c']);
    expect(consumer.appliedSeq).toBe(3);
  });

  it('switches L1 off as soon as the subscription drops', async () => {
    const { consumer, subscriber, calls, connect } = setup();
    await consumer.start(50);
    await connect();
    subscriber.status = 'reconnecting';
    subscriber.emit('close');
    expect(calls.at(-1)).toBe('l1 off');
    expect(consumer.isConnected).toBe(false);
    await connect();
    expect(calls.at(-1)).toBe('l1 on');
  });
});
