import { CLOSE_CODES, type DeliveryMode } from '@livecart/schemas';
import { describe, expect, it } from 'vitest';
import { FakeTransport, liveEvent } from '../../test/support/fakes.js';
import { productId } from '../../test/support/events.js';
import type { SlowConsumerPolicy } from '../env.js';
import { BatchFrameCache } from './build-frame.js';
import type { ClientWriter } from './client-writer.js';
import { Connection } from './connection.js';
import { emptyHubStats } from './hub-stats.js';

const CAP = 10_000;

function setup(policy: SlowConsumerPolicy = 'close', topics = ['catalog', 'product:a', 'product:b'], delivery: DeliveryMode = 'all') {
  const transport = new FakeTransport();
  const stats = emptyHubStats();
  const kicked: Connection[] = [];
  const lagging: ClientWriter[] = [];
  const connection = new Connection(
    transport,
    { sendBufferMaxBytes: CAP, slowConsumerPolicy: policy, stats, onKicked: (c) => kicked.push(c), onLagging: (w) => lagging.push(w) },
    0,
    delivery,
  );
  for (const topic of topics) connection.follow(topic, 0);
  return { transport, stats, kicked, lagging, connection, writer: connection.writer, turn: () => connection.writer.takeTurn(new BatchFrameCache()) };
}

describe('ClientWriter', () => {
  it('writes everything queued since its last turn as one frame: an event for one, a batch for several', () => {
    const { writer, transport, stats, turn } = setup();
    writer.offer(liveEvent(1));
    turn();
    writer.offer(liveEvent(2));
    writer.offer(liveEvent(3));
    expect(writer.queuedBytes).toBeGreaterThan(0);
    turn();
    turn();
    expect(transport.messages.map(({ type }) => type)).toEqual(['event', 'batch']);
    expect(transport.seqs).toEqual([1, 2, 3]);
    expect(writer.queuedBytes).toBe(0);
    expect(stats).toMatchObject({ delivered: 3, eventFrames: 1, batchFrames: 1 });
  });

  it('takes one place in the write line until its turn', () => {
    const { writer, turn } = setup();
    expect(writer.enterLine()).toBe(true);
    expect(writer.enterLine()).toBe(false);
    turn();
    expect(writer.enterLine()).toBe(true);
  });

  it('while paused, writes what it had queued first and holds the rest until resumed', () => {
    const { writer, transport, turn } = setup();
    writer.offer(liveEvent(1));
    writer.pause(new BatchFrameCache());
    expect(transport.seqs).toEqual([1]);
    writer.offer(liveEvent(2));
    turn();
    expect(transport.seqs).toEqual([1]);
    expect(writer.resume()).toBe(true);
    turn();
    expect(transport.seqs).toEqual([1, 2]);
    expect(writer.resume()).toBe(false);
  });

  it('closes a client whose socket holds more than the cap at its turn (policy close)', () => {
    const { writer, transport, stats, kicked, connection, turn } = setup('close');
    writer.offer(liveEvent(1));
    transport.bufferedAmount = CAP + 1;
    turn();
    expect(kicked).toEqual([connection]);
    expect(transport.kicked).toEqual({ code: CLOSE_CODES.SLOW_CONSUMER, reason: 'slow consumer' });
    expect(transport.frames).toEqual([]);
    expect(stats.slowConsumerKicks).toBe(1);
  });

  it('falls behind when its queue passes the cap while paused, however drained the socket is', () => {
    const { writer, kicked, transport, turn } = setup('close');
    writer.pause(new BatchFrameCache());
    let seq = 0;
    while (writer.queuedBytes <= CAP) writer.offer(liveEvent(++seq));
    writer.resume();
    turn();
    expect(kicked).toHaveLength(1);
    expect(transport.frames).toEqual([]);
  });

  it('keeps only the newest event per followed topic while lagging, and writes them in seq order once drained (policy latest)', () => {
    const { writer, transport, stats, lagging, turn } = setup('latest');
    writer.offer(liveEvent(1, ['product:b']));
    transport.bufferedAmount = CAP + 1;
    turn();
    expect(lagging).toEqual([writer]);
    expect(stats.laggingEntered).toBe(1);
    expect(writer.offer(liveEvent(2, ['product:a', 'product:b']))).toBe(false);
    writer.offer(liveEvent(3, ['product:a']));
    writer.offer(liveEvent(4, ['product:b', 'category:other']));
    transport.bufferedAmount = CAP / 2 + 1;
    expect(writer.writeLatest()).toBe(false);
    transport.bufferedAmount = CAP / 2;
    expect(writer.writeLatest()).toBe(true);
    expect(transport.seqs).toEqual([3, 4]);
    expect(stats.coalesced).toBe(2);
    // Back to normal: the next event is queued again.
    expect(writer.offer(liveEvent(5))).toBe(true);
  });

  it('drops a kept event of a topic the client stops following', () => {
    const { writer, transport, turn } = setup('latest');
    writer.offer(liveEvent(1, ['product:a']));
    transport.bufferedAmount = CAP + 1;
    turn();
    writer.offer(liveEvent(2, ['product:b']));
    writer.forgetTopic('product:b');
    transport.bufferedAmount = 0;
    writer.writeLatest();
    expect(transport.seqs).toEqual([1]);
  });

  it('writes nothing once closed', () => {
    const { writer, transport, turn } = setup();
    writer.offer(liveEvent(1));
    writer.close();
    turn();
    expect(writer.closed).toBe(true);
    expect(writer.queuedBytes).toBe(0);
    expect(transport.frames).toEqual([]);
  });

  describe('delivery latest', () => {
    const [a, b] = [productId(1), productId(2)];

    it("sends only each subject's newest state of a write, in seq order, and counts what it dropped", () => {
      const { writer, transport, stats, turn } = setup('close', ['catalog'], 'latest');
      for (const [seq, id] of [[1, a], [2, b], [3, a], [4, a], [5, b]] as const) writer.offer(liveEvent(seq, ['catalog'], id));
      turn();
      expect(transport.seqs).toEqual([4, 5]);
      expect(stats).toMatchObject({ delivered: 2, coalesced: 3, batchFrames: 1 });
      writer.offer(liveEvent(6, ['catalog'], a));
      turn();
      expect(transport.seqs).toEqual([4, 5, 6]);
    });

    it('keeps an older state that carries a followed topic the newer one does not (a product that left a category)', () => {
      const { writer, transport, turn } = setup('close', ['category:old', 'category:new'], 'latest');
      writer.offer(liveEvent(1, ['category:old'], a));
      writer.offer(liveEvent(2, ['category:new'], a));
      writer.offer(liveEvent(3, ['category:new'], a));
      turn();
      expect(transport.seqs).toEqual([1, 3]);
    });

    it('sends every event to a connection that did not ask for latest', () => {
      const { writer, transport, turn } = setup('close', ['catalog']);
      for (const seq of [1, 2, 3]) writer.offer(liveEvent(seq, ['catalog'], a));
      turn();
      expect(transport.seqs).toEqual([1, 2, 3]);
    });
  });
});
