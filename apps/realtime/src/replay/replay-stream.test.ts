import { describe, expect, it } from 'vitest';
import { liveEvent, MemoryStream } from '../../test/support/fakes.js';
import type { LiveEvent } from '../events/live-event.js';
import { RecentEvents } from './recent-events.js';
import { replayEvents, type ReplayRequest } from './replay-events.js';
import { ReplayStream } from './replay-stream.js';

/** Events 1..`last` in the stream (`a` on even seqs); the window holds the newest `capacity` of the same objects. */
function setup(last: number, capacity: number) {
  const events = Array.from({ length: last }, (_, i) => liveEvent(i + 1, (i + 1) % 2 === 0 ? ['a', 'b'] : ['b']));
  const stream = new MemoryStream().append(...events);
  const recent = new RecentEvents(capacity);
  for (const event of events) recent.add(event);
  let epoch: string | undefined;
  const replay = new ReplayStream(recent, stream, () => epoch);
  return { events, stream, recent, replay, setEpoch: (id: string) => (epoch = id) };
}

async function replayed(stream: ReplayStream | MemoryStream, overrides: Partial<ReplayRequest>) {
  const sent: LiveEvent[] = [];
  const outcome = await replayEvents({
    stream,
    since: 0,
    upTo: 30,
    topics: new Set(['a']),
    alreadyFollowed: new Map(),
    maxEvents: 1000,
    chunkSize: 4,
    send: async (events) => {
      sent.push(...events);
    },
    ...overrides,
  });
  return { outcome, seqs: sent.map((event) => event.seq), sent };
}

describe('ReplayStream', () => {
  it('answers a page the window holds from memory, exactly as the stream would, with the same objects', async () => {
    const { stream, replay, events } = setup(30, 10);
    for (const [from, to, count] of [[21, 30, 4], [21, 30, 10], [21, 30, 50], [25, 28, 4], [22, 26, 10], [28, 30, 3], [30, 30, 1]] as const) {
      const fromMemory = await replay.range(from, to, count);
      const fromStream = await stream.range(from, to, count);
      expect(fromMemory).toEqual(fromStream);
      fromMemory.events.forEach((event) => expect(event).toBe(events[event.seq - 1]));
    }
    expect(stream.reads).toBe(7);
    expect(replay.stats).toEqual({ memory: 4 + 10 + 10 + 4 + 5 + 3 + 1, stream: 0 });
  });

  it('reads the whole page from the stream when the window lacks any of it', async () => {
    const { stream, replay } = setup(30, 10);
    expect(await replay.range(20, 30, 50)).toEqual(await stream.range(20, 30, 50));
    // 18..21: one event in the window, three before it.
    expect(await replay.range(18, 30, 4)).toEqual(await stream.range(18, 30, 4));
    expect(await replay.range(29, 31, 4)).toEqual(await stream.range(29, 31, 4));
    expect(replay.stats).toEqual({ memory: 0, stream: 11 + 4 + 2 });
  });

  it('never reads a window of another epoch than the one delivered now', async () => {
    const { replay, setEpoch } = setup(30, 10);
    setEpoch('0b6f3c1e-0000-4000-8000-00000000000b');
    await replay.range(21, 30, 10);
    expect(replay.stats).toEqual({ memory: 0, stream: 10 });
  });

  it('replays the same events as the stream alone, the window serving the pages it covers', async () => {
    const { stream, replay } = setup(30, 10);
    const alone = await replayed(new MemoryStream().append(...stream.events), { since: 12 });
    const mixed = await replayed(replay, { since: 12 });
    expect(mixed.outcome).toEqual(alone.outcome);
    expect(mixed.seqs).toEqual(alone.seqs);
    expect(mixed.seqs).toEqual([14, 16, 18, 20, 22, 24, 26, 28, 30]);
    // Pages 13-16 and 17-20 from the stream; 21-24, 25-28, 29-30 from the window.
    expect(replay.stats).toEqual({ memory: 10, stream: 8 });
  });

  it('replays a range the window holds even after the stream was trimmed past it, without asking for the oldest seq', async () => {
    const { stream, replay } = setup(30, 10);
    stream.trimThrough(25);
    let oldestAsked = 0;
    stream.firstSeq = async () => {
      oldestAsked++;
      return stream.events[0]?.seq ?? null;
    };
    expect((await replayed(replay, { since: 20 })).seqs).toEqual([22, 24, 26, 28, 30]);
    expect(oldestAsked).toBe(0);
    expect((await replayed(replay, { since: 19 })).outcome).toEqual({ kind: 'reset' });
    expect(oldestAsked).toBe(1);
  });
});
