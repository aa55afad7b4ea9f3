import { describe, expect, it, vi } from 'vitest';
import { liveEvent, MemoryStream } from '../../test/support/fakes.js';
import type { LiveEvent } from './live-event.js';
import { Sequencer } from './sequencer.js';

function setup(stream = new MemoryStream()) {
  const delivered: number[] = [];
  const lost: [number, number][] = [];
  const sequencer = new Sequencer({
    stream,
    deliver: (event: LiveEvent) => delivered.push(event.seq),
    onLost: (from, to) => lost.push([from, to]),
    onFillError: () => {},
    chunkSize: 3,
    retryDelayMs: 1,
  });
  return { stream, sequencer, delivered, lost };
}

describe('Sequencer', () => {
  it('delivers consecutive live events at once and drops re-published ones', () => {
    const { sequencer, delivered } = setup();
    sequencer.start(10);
    for (const seq of [11, 12, 12, 11, 13]) sequencer.push(liveEvent(seq));
    expect(delivered).toEqual([11, 12, 13]);
    expect(sequencer.stats.duplicates).toBe(2);
  });

  it('starts over after restart: lower seqs of the new history are delivered, a fill begun in the old one is discarded', async () => {
    const { sequencer, delivered, stream } = setup();
    sequencer.start(10);
    sequencer.push(liveEvent(11));
    stream.append(liveEvent(12), liveEvent(13));
    // A read of the old history's gap is under way when the history changes under the same key.
    stream.beforeRead = () => {
      stream.beforeRead = undefined;
      stream.events = [liveEvent(3), liveEvent(4)];
      sequencer.restart(2);
    };
    sequencer.push(liveEvent(14));
    await sequencer.idle();
    await sequencer.idle();
    sequencer.catchUp(4);
    await sequencer.idle();
    sequencer.push(liveEvent(5));
    expect(delivered).toEqual([11, 3, 4, 5]);
  });

  it('holds events pushed before start and drops those at or below the starting seq', () => {
    const { sequencer, delivered } = setup();
    sequencer.push(liveEvent(5));
    sequencer.push(liveEvent(6));
    sequencer.start(5);
    expect(delivered).toEqual([6]);
  });

  it('fills a gap from the stream, in chunks, before delivering what came after it', async () => {
    const stream = new MemoryStream().append(...[1, 2, 3, 4, 5, 6, 7, 8].map((seq) => liveEvent(seq)));
    const { sequencer, delivered } = setup(stream);
    sequencer.start(1);
    sequencer.push(liveEvent(8));
    sequencer.push(liveEvent(9));
    await sequencer.idle();
    expect(delivered).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    expect(sequencer.stats.recovered).toBe(6);
    expect(stream.reads).toBe(2);
  });

  it('catches up to the stream tail after a reconnect even with no new live event', async () => {
    const stream = new MemoryStream().append(...[1, 2, 3, 4].map((seq) => liveEvent(seq)));
    const { sequencer, delivered } = setup(stream);
    sequencer.start(2);
    sequencer.catchUp(4);
    await sequencer.idle();
    expect(delivered).toEqual([3, 4]);
  });

  it('reports events trimmed before they could be fetched, then carries on', async () => {
    const stream = new MemoryStream().append(...[6, 7].map((seq) => liveEvent(seq)));
    const { sequencer, delivered, lost } = setup(stream);
    sequencer.start(2);
    sequencer.push(liveEvent(8));
    await sequencer.idle();
    expect(lost).toEqual([[3, 5]]);
    expect(delivered).toEqual([6, 7, 8]);
    expect(sequencer.lastSeq).toBe(8);
  });

  it('skips seqs that were never written (a hole the stream never had)', async () => {
    const stream = new MemoryStream().append(...[1, 2, 4].map((seq) => liveEvent(seq)));
    const { sequencer, delivered, lost } = setup(stream);
    sequencer.start(1);
    sequencer.push(liveEvent(5));
    await sequencer.idle();
    expect(delivered).toEqual([2, 4, 5]);
    expect(lost).toEqual([]);
  });

  it('retries a failed stream read and keeps live events waiting behind the gap', async () => {
    const stream = new MemoryStream().append(...[1, 2, 3].map((seq) => liveEvent(seq)));
    stream.failReads = 2;
    const onFillError = vi.fn();
    const delivered: number[] = [];
    const sequencer = new Sequencer({ stream, deliver: (e) => delivered.push(e.seq), onLost: () => {}, onFillError, retryDelayMs: 1 });
    sequencer.start(1);
    sequencer.push(liveEvent(4));
    sequencer.push(liveEvent(5));
    await sequencer.idle();
    expect(onFillError).toHaveBeenCalledTimes(2);
    expect(delivered).toEqual([2, 3, 4, 5]);
  });
});
