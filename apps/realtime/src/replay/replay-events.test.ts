import { describe, expect, it } from 'vitest';
import { liveEvent, MemoryStream } from '../../test/support/fakes.js';
import type { LiveEvent } from '../events/live-event.js';
import { replayEvents, type ReplayRequest } from './replay-events.js';

function request(stream: MemoryStream, overrides: Partial<ReplayRequest> = {}) {
  const sent: (readonly LiveEvent[])[] = [];
  const base: ReplayRequest = {
    stream,
    since: 0,
    upTo: 10,
    topics: new Set(['a']),
    alreadyFollowed: new Map(),
    maxEvents: 1000,
    chunkSize: 4,
    send: async (events) => {
      sent.push(events);
    },
  };
  return { request: { ...base, ...overrides }, sent };
}

const history = () =>
  new MemoryStream().append(...Array.from({ length: 10 }, (_, i) => liveEvent(i + 1, (i + 1) % 2 === 0 ? ['a', 'b'] : ['b'])));

describe('replayEvents', () => {
  it('sends the events of the topics after since, up to upTo, in order and in chunks', async () => {
    const { request: r, sent } = request(history(), { since: 1, upTo: 9 });
    expect(await replayEvents(r)).toEqual({ kind: 'replayed', count: 4, skipped: 0 });
    expect(sent.map((chunk) => chunk.map((e) => e.seq))).toEqual([[2, 4], [6, 8]]);
  });

  it('sends of each chunk what select keeps, and counts the rest as skipped', async () => {
    // Keeps the last event of each chunk: chunks of 4 stream entries hold [2, 4], [6, 8], [10] of topic a.
    const { request: r, sent } = request(history(), { select: (events) => events.slice(-1) });
    expect(await replayEvents(r)).toEqual({ kind: 'replayed', count: 3, skipped: 2 });
    expect(sent.map((chunk) => chunk.map((e) => e.seq))).toEqual([[4], [8], [10]]);
  });

  it('skips events the connection already got through a topic it followed', async () => {
    const { request: r, sent } = request(history(), { topics: new Set(['b']), alreadyFollowed: new Map([['a', 5]]) });
    await replayEvents(r);
    // 6, 8 and 10 carry `a`, followed since 5: already delivered.
    expect(sent.flat().map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 7, 9]);
  });

  it('gives reset when the stream was trimmed past since', async () => {
    const stream = history();
    stream.trimThrough(3);
    const { request: r, sent } = request(stream, { since: 2 });
    expect(await replayEvents(r)).toEqual({ kind: 'reset' });
    expect(sent).toEqual([]);
    expect(await replayEvents(request(stream, { since: 3 }).request)).toEqual({ kind: 'replayed', count: 4, skipped: 0 });
  });

  it('gives reset when the stream is empty but events were published', async () => {
    expect(await replayEvents(request(new MemoryStream(), { since: 2 }).request)).toEqual({ kind: 'reset' });
  });

  it('gives reset for a resume further back than maxEvents, without reading', async () => {
    const stream = history();
    expect(await replayEvents(request(stream, { since: 0, upTo: 10, maxEvents: 9 }).request)).toEqual({ kind: 'reset' });
    expect(stream.reads).toBe(0);
  });

  it('has nothing to do when since is at or past upTo', async () => {
    const stream = history();
    expect(await replayEvents(request(stream, { since: 10 }).request)).toEqual({ kind: 'replayed', count: 0, skipped: 0 });
    expect(stream.reads).toBe(0);
  });
});
