import { CLOSE_CODES } from '@livecart/schemas';
import { describe, expect, it, vi } from 'vitest';
import { FakeTransport, liveEvent } from '../../test/support/fakes.js';
import type { OutgoingFrame } from '../protocol/frames.js';
import { Hub, type HubOptions } from './hub.js';

function setup(options: Partial<HubOptions> = {}) {
  let scheduled: (() => void) | undefined;
  const hub = new Hub({
    sendBufferMaxBytes: 10_000,
    slowConsumerPolicy: 'close',
    schedule: (flush) => {
      scheduled = flush;
    },
    ...options,
  });
  const connect = (topics: string[], format: 'json' | 'msgpack' = 'json') => {
    const transport = new FakeTransport(format);
    const connection = hub.add(transport);
    hub.subscribe(connection, topics, hub.seq);
    return { transport, connection };
  };
  const flush = () => {
    expect(scheduled).toBeDefined();
    scheduled = undefined;
    hub.flush();
  };
  return { hub, connect, flush, isScheduled: () => scheduled !== undefined };
}

describe('Hub', () => {
  it('reaches only the subscribers of the topics an event carries', () => {
    const { hub, connect, flush } = setup();
    const kitchen = connect(['category:kitchen']);
    const garden = connect(['category:garden']);
    const all = connect(['catalog']);
    hub.publish(liveEvent(1, ['category:kitchen', 'catalog']));
    flush();
    expect(kitchen.transport.seqs).toEqual([1]);
    expect(garden.transport.seqs).toEqual([]);
    expect(all.transport.seqs).toEqual([1]);
  });

  it('sends an event once to a connection that follows several of its topics', () => {
    const { hub, connect, flush } = setup();
    const client = connect(['product:a', 'category:kitchen', 'catalog']);
    hub.publish(liveEvent(1, ['product:a', 'category:kitchen', 'catalog']));
    flush();
    expect(client.transport.seqs).toEqual([1]);
    expect(hub.stats.delivered).toBe(1);
  });

  it('writes what a connection queued in one turn as one batch frame, shared by identical queues', () => {
    const { hub, connect, flush } = setup();
    const [a, b, c] = [connect(['catalog']), connect(['catalog']), connect(['catalog'], 'msgpack')];
    hub.publish(liveEvent(1));
    hub.publish(liveEvent(2));
    hub.publish(liveEvent(3));
    flush();
    for (const { transport } of [a, b, c]) {
      expect(transport.frames).toHaveLength(1);
      expect(transport.messages[0]?.type).toBe('batch');
      expect(transport.seqs).toEqual([1, 2, 3]);
    }
    expect(a.transport.frames[0]).toBe(b.transport.frames[0]);
    expect(hub.stats).toMatchObject({ eventsIn: 3, delivered: 9, batchFrames: 3, eventFrames: 0 });
  });

  it('uses the same event frame bytes for every subscriber', () => {
    const { hub, connect, flush } = setup();
    const [a, b] = [connect(['catalog']), connect(['catalog'])];
    hub.publish(liveEvent(1));
    flush();
    expect(a.transport.frames[0]).toBe(b.transport.frames[0]);
    expect(a.transport.messages[0]?.type).toBe('event');
  });

  it('schedules one flush per turn and reports the events it wrote', () => {
    const onFlushed = vi.fn();
    const { hub, connect, flush, isScheduled } = setup({ onFlushed });
    connect(['catalog']);
    hub.publish(liveEvent(1, ['nobody']));
    expect(isScheduled()).toBe(false);
    hub.publish(liveEvent(2));
    hub.publish(liveEvent(3));
    flush();
    expect(onFlushed).toHaveBeenCalledTimes(1);
    expect(onFlushed.mock.calls[0]?.[0].map((e: { seq: number }) => e.seq)).toEqual([2, 3]);
  });

  /** performance.now() under the test's control; each read advances it by `step` ms. */
  function fakeClock(step: number) {
    const clock = { now: 1_000, step };
    const spy = vi.spyOn(performance, 'now').mockImplementation(() => (clock.now += clock.step));
    return { clock, restore: () => spy.mockRestore() };
  }

  /** A hub whose scheduled flushes are recorded with their delay and run by hand. */
  function manualHub(options: Partial<HubOptions> = {}) {
    const scheduled: { flush: () => void; delayMs: number }[] = [];
    const hub = new Hub({ sendBufferMaxBytes: 10_000, slowConsumerPolicy: 'close', schedule: (flush, delayMs) => scheduled.push({ flush, delayMs }), ...options });
    const next = () => {
      const entry = scheduled.shift();
      expect(entry).toBeDefined();
      entry!.flush();
      return entry!.delayMs;
    };
    return { hub, scheduled, next };
  }

  it('writes waiting connections in the order they got their first event, a slice at a time', () => {
    const { clock, restore } = fakeClock(0);
    try {
      const { hub, scheduled, next } = manualHub();
      const transports = Array.from({ length: 100 }, (_, i) => {
        const transport = new FakeTransport();
        hub.subscribe(hub.add(transport), [`product:${i}`], 0);
        return transport;
      });
      // Touched from the last to the first; the first (last touched) gets a second event meanwhile.
      for (let i = 99; i >= 0; i--) hub.publish(liveEvent(100 - i, [`product:${i}`]));
      clock.step = 10;
      // A 5 ms slice reads the clock every 32 connections: this one stops after the first 32 in line.
      expect(next()).toBe(0);
      expect(transports.filter((t) => t.frames.length > 0)).toHaveLength(32);
      expect(transports.slice(68).every((t) => t.frames.length === 1)).toBe(true);
      expect(scheduled).toHaveLength(1);
      hub.publish(liveEvent(101, ['product:0']));
      hub.flush();
      expect(transports.every((t) => t.frames.length === 1)).toBe(true);
      expect(transports[0]!.seqs).toEqual([100, 101]);
    } finally {
      restore();
    }
  });

  it('with adaptive flushing off, writes every waiting connection in one flush', () => {
    const { restore } = fakeClock(10);
    try {
      const { hub, next } = manualHub({ adaptiveFlush: false });
      const transports = Array.from({ length: 100 }, () => {
        const transport = new FakeTransport();
        hub.subscribe(hub.add(transport), ['catalog'], 0);
        return transport;
      });
      hub.publish(liveEvent(1));
      next();
      expect(transports.every((t) => t.seqs.length === 1)).toBe(true);
    } finally {
      restore();
    }
  });

  it('holds connections longer while writing takes most of the time, and lets go once it does not', () => {
    const { clock, restore } = fakeClock(0);
    try {
      const { hub, scheduled, next } = manualHub();
      // Each write takes 1 ms, as a kernel write of a frame takes a few µs.
      const transports = Array.from({ length: 64 }, () => {
        const transport = new FakeTransport();
        const send = transport.send.bind(transport);
        transport.send = (outgoing: OutgoingFrame) => {
          clock.now += 1;
          send(outgoing);
        };
        hub.subscribe(hub.add(transport), ['catalog'], 0);
        return transport;
      });
      // Saturated: events keep coming and every millisecond goes to writing them.
      for (let seq = 1; hub.holdMs === 0; seq++) {
        expect(seq, 'the hold never grew').toBeLessThan(100);
        hub.publish(liveEvent(seq));
        while (scheduled.length > 0) next();
      }
      expect(hub.holdMs).toBe(1);
      // A connection touched now waits out the hold before it is written.
      hub.publish(liveEvent(1_000));
      expect(scheduled.map((s) => s.delayMs)).toEqual([1]);
      const before = transports[0]!.frames.length;
      clock.now += 0.5;
      hub.flush(5, hub.holdMs);
      expect(transports[0]!.frames.length).toBe(before);
      // After a quiet second, writing took almost none of the window: the hold halves.
      clock.now += 1_000;
      next();
      expect(transports[0]!.frames.length).toBe(before + 1);
      expect(hub.holdMs).toBe(0.5);
    } finally {
      restore();
    }
  });

  it('reports an event as flushed once every connection that queued it has been written', () => {
    const { restore } = fakeClock(10);
    try {
      const onFlushed = vi.fn();
      const { hub, next } = manualHub({ onFlushed });
      for (let i = 0; i < 70; i++) hub.subscribe(hub.add(new FakeTransport()), [i < 40 ? 'catalog' : 'product:a'], 0);
      hub.publish(liveEvent(1, ['catalog']));
      hub.publish(liveEvent(2, ['product:a']));
      const reported = () => onFlushed.mock.calls.map(([events]) => events.map((e: { seq: number }) => e.seq));
      // Slices of 32 connections: event 1 is out everywhere after the second, event 2 after the third.
      next();
      expect(reported()).toEqual([]);
      next();
      expect(reported()).toEqual([[1]]);
      next();
      expect(reported()).toEqual([[1], [2]]);
    } finally {
      restore();
    }
  });

  it('holds back events at or below the seq a topic was subscribed from', () => {
    const { hub, connect, flush } = setup();
    const client = connect([]);
    hub.subscribe(client.connection, ['catalog'], 5);
    for (const seq of [4, 5, 6]) hub.publish(liveEvent(seq));
    flush();
    expect(client.transport.seqs).toEqual([6]);
  });

  it('holds live events while paused and sends them after resume', () => {
    const { hub, connect, flush } = setup();
    const client = connect(['catalog']);
    hub.publish(liveEvent(1));
    hub.pause(client.connection);
    expect(client.transport.seqs).toEqual([1]);
    hub.publish(liveEvent(2));
    flush();
    expect(client.transport.seqs).toEqual([1]);
    hub.resume(client.connection);
    flush();
    expect(client.transport.seqs).toEqual([1, 2]);
  });

  it('stops routing to a removed connection', () => {
    const { hub, connect } = setup();
    const client = connect(['catalog', 'category:kitchen']);
    hub.remove(client.connection);
    expect(hub.index.subscriptionCount).toBe(0);
    expect(hub.connections.size).toBe(0);
    hub.publish(liveEvent(1));
    expect(client.transport.frames).toEqual([]);
  });

  it('unsubscribes', () => {
    const { hub, connect, flush } = setup();
    const client = connect(['catalog', 'category:kitchen']);
    hub.unsubscribe(client.connection, ['catalog']);
    hub.publish(liveEvent(1, ['catalog']));
    hub.publish(liveEvent(2, ['category:kitchen']));
    flush();
    expect(client.transport.seqs).toEqual([2]);
  });

  describe('slow consumers', () => {
    it('closes with 4000 a connection whose socket still holds more than the cap', () => {
      const { hub, connect, flush } = setup({ sendBufferMaxBytes: 1000 });
      const [slow, fine] = [connect(['catalog']), connect(['catalog'])];
      slow.transport.bufferedAmount = 1001;
      hub.publish(liveEvent(1));
      flush();
      expect(slow.transport.kicked).toEqual({ code: CLOSE_CODES.SLOW_CONSUMER, reason: 'slow consumer' });
      expect(slow.transport.frames).toEqual([]);
      expect(slow.connection.closed).toBe(true);
      expect(fine.transport.seqs).toEqual([1]);
      expect(hub.stats.slowConsumerKicks).toBe(1);
    });

    it('sends a burst bigger than the cap to a connection that keeps up', () => {
      const { hub, connect, flush } = setup({ sendBufferMaxBytes: 1000 });
      const client = connect(['catalog']);
      for (let seq = 1; seq <= 10; seq++) hub.publish(liveEvent(seq));
      flush();
      expect(client.transport.seqs).toHaveLength(10);
    });

    it('closes a paused connection whose held events pass the cap', () => {
      const { hub, connect, flush } = setup({ sendBufferMaxBytes: 1000 });
      const client = connect(['catalog']);
      hub.pause(client.connection);
      for (let seq = 1; seq <= 10; seq++) hub.publish(liveEvent(seq));
      flush();
      expect(client.transport.kicked).toBeUndefined();
      hub.resume(client.connection);
      flush();
      expect(client.transport.kicked?.code).toBe(CLOSE_CODES.SLOW_CONSUMER);
    });

    it('under the latest policy, keeps only the newest event per topic until the socket drains', async () => {
      vi.useFakeTimers();
      try {
        const { hub, connect, flush } = setup({ sendBufferMaxBytes: 1000, slowConsumerPolicy: 'latest', lagCheckIntervalMs: 10 });
        const client = connect(['product:a', 'product:b']);
        client.transport.bufferedAmount = 5000;
        hub.publish(liveEvent(1, ['product:a']));
        flush();
        for (const [seq, topic] of [[2, 'product:b'], [3, 'product:a'], [4, 'product:b'], [5, 'product:a']] as const) {
          hub.publish(liveEvent(seq, [topic]));
        }
        vi.advanceTimersByTime(50);
        expect(client.transport.frames).toEqual([]);
        client.transport.bufferedAmount = 400;
        vi.advanceTimersByTime(10);
        expect(client.transport.seqs).toEqual([4, 5]);
        expect(client.transport.kicked).toBeUndefined();
        expect(hub.stats).toMatchObject({ laggingEntered: 1, coalesced: 3 });
        hub.publish(liveEvent(6, ['product:a']));
        flush();
        expect(client.transport.seqs).toEqual([4, 5, 6]);
        hub.close();
      } finally {
        vi.useRealTimers();
      }
    });
  });
});
