import { EventEmitter } from 'node:events';
import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { EventConsumer } from './event-consumer.js';

const KEY = 'p:events';
const event = (seq: number, id = `id-${seq}`) => JSON.stringify({ seq, type: 'product.updated', data: { id } });

function setup(stream: [string, string[]][] = []) {
  const subscriber = Object.assign(new EventEmitter(), {
    status: 'connecting',
    xrevrange: async () => stream.slice(-1),
    subscribe: async () => 1,
  });
  const reader = {
    xrange: async (_key: string, from: string, to: string) => {
      const lo = Number(from.split('-')[0]);
      const hi = Number(to.split('-')[0]);
      return stream.filter(([id]) => Number(id.split('-')[0]) >= lo && Number(id.split('-')[0]) <= hi);
    },
  };
  const calls: string[] = [];
  const cache = {
    invalidate: (id: string) => calls.push(`invalidate ${id}`),
    clear: () => calls.push('clear'),
    setL1Enabled: (on: boolean) => calls.push(`l1 ${on ? 'on' : 'off'}`),
  };
  const log = { info: () => {}, warn: () => {}, error: () => {} };
  const consumer = new EventConsumer({ subscriber: subscriber as unknown as Redis, reader: reader as unknown as Redis, prefix: 'p', cache, log: log as never });
  const connect = async () => {
    subscriber.status = 'ready';
    subscriber.emit('ready');
    await consumer.settled();
  };
  const publish = async (message: string) => {
    subscriber.emit('message', KEY, message);
    await consumer.settled();
  };
  return { consumer, subscriber, calls, connect, publish, stream };
}

describe('EventConsumer', () => {
  it('starts at the stream head with L1 on, applies events in order and drops duplicates', async () => {
    const { consumer, calls, connect, publish } = setup([['5-0', ['e', event(5)]]]);
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

  it('fills a gap from the stream before applying the next event', async () => {
    const setupResult = setup([['1-0', ['e', event(1)]]]);
    const { consumer, calls, connect, publish, stream } = setupResult;
    await consumer.start(50);
    await connect();
    stream.push(['2-0', ['e', event(2, 'b')]], ['3-0', ['e', event(3, 'c')]]);
    await publish(event(4, 'd'));
    expect(calls.filter((c) => c.startsWith('invalidate'))).toEqual(['invalidate b', 'invalidate c', 'invalidate d']);
    expect(consumer.appliedSeq).toBe(4);
  });

  it('empties L1 when the stream no longer holds the gap', async () => {
    const { consumer, calls, connect, publish } = setup([['1-0', ['e', event(1)]]]);
    await consumer.start(50);
    await connect();
    await publish(event(9, 'z'));
    expect(calls).toContain('clear');
    expect(consumer.appliedSeq).toBe(9);
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
