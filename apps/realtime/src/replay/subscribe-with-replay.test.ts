import type { DeliveryMode } from '@livecart/schemas';
import { describe, expect, it } from 'vitest';
import { productId } from '../../test/support/events.js';
import { FakeTransport, liveEvent, MemoryStream } from '../../test/support/fakes.js';
import { Hub } from '../hub/hub.js';
import { NotWritableError } from './wait-writable.js';
import { subscribeWithReplay, type SubscribeResult, type SubscribeWithReplayOptions } from './subscribe-with-replay.js';

/** A hub fed from a memory stream, flushing synchronously, with one client connected. */
function setup(historyUpTo: number, delivery: DeliveryMode = 'all', subjectOf: (seq: number) => string | undefined = () => undefined) {
  const stream = new MemoryStream();
  const hub = new Hub({ sendBufferMaxBytes: 1_000_000, slowConsumerPolicy: 'close', schedule: (flush) => queueMicrotask(flush) });
  const publish = (seq: number, topics = ['catalog']) => {
    const event = liveEvent(seq, topics, subjectOf(seq));
    stream.append(event);
    hub.publish(event);
  };
  for (let seq = 1; seq <= historyUpTo; seq++) publish(seq);
  const transport = new FakeTransport();
  const connection = hub.add(transport, delivery);
  const options: SubscribeWithReplayOptions = {
    hub,
    connection,
    stream,
    replayMaxEvents: 10_000,
    replayChunkSize: 10,
    sendBufferMaxBytes: 1_000_000,
    drainTimeoutMs: 100,
    onReplayError: () => {},
  };
  const announced: SubscribeResult[] = [];
  const announce = (result: SubscribeResult) => {
    announced.push(result);
    transport.sendMessage({ type: 'subscribed', topics: result.topics, seq: result.seq, replayed: result.replayed });
  };
  return { stream, hub, publish, transport, connection, options, announced, announce };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('subscribeWithReplay', () => {
  it("replays each subject's newest state of a chunk to a latest connection, and every event to one asking for all", async () => {
    // Seqs 1-20 alternate between two products: each chunk of 10 holds five states of each.
    const subjectOf = (seq: number) => productId(seq % 2);
    const latest = setup(20, 'latest', subjectOf);
    const result = await subscribeWithReplay(latest.options, ['catalog'], 0, latest.announce);
    expect(latest.transport.seqs).toEqual([9, 10, 19, 20]);
    expect(result).toEqual({ topics: ['catalog'], seq: 20, replayed: 4 });
    expect(latest.hub.stats.coalesced).toBe(16);
    // Live events after the replay, and `since` = the last seq received, work as ever.
    latest.publish(21);
    await settle();
    expect(latest.transport.seqs).toEqual([9, 10, 19, 20, 21]);

    const all = setup(20, 'all', subjectOf);
    await subscribeWithReplay(all.options, ['catalog'], 0, all.announce);
    expect(all.transport.seqs).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(all.hub.stats.coalesced).toBe(0);
  });

  it('replays, announces, then sends events published during the replay: no gap, no duplicate', async () => {
    const { stream, publish, transport, options, announce } = setup(50);
    let next = 51;
    // Every stream read races with two new live events.
    stream.beforeRead = () => {
      publish(next++);
      publish(next++);
    };
    const result = await subscribeWithReplay(options, ['catalog'], 20, announce);
    stream.beforeRead = undefined;
    publish(next++);
    await settle();

    expect(result).toEqual({ topics: ['catalog'], seq: 50, replayed: 30 });
    expect(transport.seqs).toEqual(Array.from({ length: next - 21 }, (_, i) => 21 + i));
    // `subscribed` sits exactly between the replayed events and the live ones.
    const types = transport.messages.map((m) => m.type);
    const subscribedAt = types.indexOf('subscribed');
    const replayedSeqs = transport.messages.slice(0, subscribedAt).flatMap((m) => (m.events as { seq: number }[]).map((e) => e.seq));
    expect(replayedSeqs.at(-1)).toBe(50);
  });

  it('subscribes without replay when since is absent or current', async () => {
    const { options, announce, transport, publish, stream } = setup(5);
    expect(await subscribeWithReplay(options, ['catalog'], undefined, announce)).toEqual({ topics: ['catalog'], seq: 5, replayed: 0 });
    expect(await subscribeWithReplay(options, ['category:kitchen'], 5, announce)).toMatchObject({ seq: 5, replayed: 0 });
    expect(stream.reads).toBe(0);
    publish(6);
    await settle();
    expect(transport.seqs).toEqual([6]);
  });

  it('takes a since ahead of this instance as the client’s: older live events are not sent', async () => {
    const { options, announce, transport, publish } = setup(5);
    expect(await subscribeWithReplay(options, ['catalog'], 8, announce)).toMatchObject({ seq: 8, replayed: 0 });
    for (const seq of [6, 7, 8, 9]) publish(seq);
    await settle();
    expect(transport.seqs).toEqual([9]);
  });

  it('announces reset when history no longer covers since, and carries on live', async () => {
    const { options, announce, announced, transport, publish, stream } = setup(10);
    stream.trimThrough(6);
    const result = await subscribeWithReplay(options, ['catalog'], 3, announce);
    expect(result).toEqual({ topics: ['catalog'], seq: 10, replayed: 0, reset: 'history_trimmed' });
    expect(announced).toEqual([result]);
    publish(11);
    await settle();
    expect(transport.seqs).toEqual([11]);
  });

  it('announces reset (replay_failed) when the stream cannot be read', async () => {
    const { options, announce, stream } = setup(10);
    stream.failReads = 1;
    expect(await subscribeWithReplay(options, ['catalog'], 3, announce)).toMatchObject({ reset: 'replay_failed' });
  });

  it('gives up on a client that does not read its replay', async () => {
    const { options, announce, transport } = setup(30);
    transport.bufferedAmount = 2_000_000;
    await expect(subscribeWithReplay(options, ['catalog'], 0, announce)).rejects.toBeInstanceOf(NotWritableError);
  });
});
