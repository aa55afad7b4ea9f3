import { describe, expect, it } from 'vitest';
import { liveEvent } from '../../test/support/fakes.js';
import { LiveEvent } from '../events/live-event.js';
import { RecentEvents } from './recent-events.js';

const EPOCH_A = '0b6f3c1e-0000-4000-8000-00000000000a';
const EPOCH_B = '0b6f3c1e-0000-4000-8000-00000000000b';

function ofEpoch(seq: number, epoch: string): LiveEvent {
  const event = liveEvent(seq);
  return new LiveEvent(seq, epoch, event.topics, event.occurredAtMs, event.raw, JSON.parse(event.raw));
}

function filled(capacity: number, from: number, to: number): RecentEvents {
  const recent = new RecentEvents(capacity);
  for (let seq = from; seq <= to; seq++) recent.add(liveEvent(seq));
  return recent;
}

const seqs = (events: readonly LiveEvent[] | undefined) => events?.map((event) => event.seq);

describe('RecentEvents', () => {
  it('keeps the last `capacity` events, the oldest evicted first, and hands out the very objects added', () => {
    const recent = new RecentEvents(4);
    const added = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((seq) => liveEvent(seq));
    for (const event of added) recent.add(event);
    expect([recent.firstSeq, recent.lastSeq, recent.size]).toEqual([7, 10, 4]);
    const held = recent.covering(7, 10, undefined);
    expect(seqs(held)).toEqual([7, 8, 9, 10]);
    held!.forEach((event, i) => expect(event).toBe(added[6 + i]));
    expect(seqs(recent.covering(8, 9, undefined))).toEqual([8, 9]);
    expect(seqs(recent.covering(10, 10, undefined))).toEqual([10]);
  });

  it('answers only a range it holds entirely: one seq before its oldest or after its newest is a miss', () => {
    const recent = filled(5, 1, 12);
    expect(recent.firstSeq).toBe(8);
    expect(seqs(recent.covering(8, 12, undefined))).toEqual([8, 9, 10, 11, 12]);
    expect(recent.covering(7, 12, undefined)).toBeUndefined();
    expect(recent.covering(7, 9, undefined)).toBeUndefined();
    expect(recent.covering(8, 13, undefined)).toBeUndefined();
    expect(recent.covering(13, 13, undefined)).toBeUndefined();
    expect(recent.covering(10, 9, undefined)).toBeUndefined();
  });

  it('holds only a gapless run: an event that does not follow the newest starts a new run', () => {
    const recent = filled(10, 1, 5);
    recent.add(liveEvent(7));
    expect([recent.firstSeq, recent.lastSeq]).toEqual([7, 7]);
    expect(recent.covering(5, 7, undefined)).toBeUndefined();
    recent.add(liveEvent(8));
    recent.add(liveEvent(3));
    expect([recent.firstSeq, recent.lastSeq]).toEqual([3, 3]);
    recent.add(liveEvent(3));
    expect([recent.firstSeq, recent.lastSeq]).toEqual([3, 3]);
  });

  it('holds one epoch: an event of another starts a new run, and a run is never read for another epoch', () => {
    const recent = new RecentEvents(10);
    for (const seq of [1, 2, 3]) recent.add(ofEpoch(seq, EPOCH_A));
    expect(seqs(recent.covering(1, 3, EPOCH_A))).toEqual([1, 2, 3]);
    expect(recent.covering(1, 3, EPOCH_B)).toBeUndefined();
    expect(recent.covering(1, 3, undefined)).toBeUndefined();
    // The next history going on from the same seq is still another history.
    recent.add(ofEpoch(4, EPOCH_B));
    expect([recent.firstSeq, recent.lastSeq]).toEqual([4, 4]);
    expect(recent.covering(3, 4, EPOCH_B)).toBeUndefined();
    expect(seqs(recent.covering(4, 4, EPOCH_B))).toEqual([4]);
  });

  it('is empty after clear, and the next event starts a new run whatever its seq', () => {
    const recent = filled(10, 1, 5);
    recent.clear();
    expect([recent.size, recent.firstSeq, recent.lastSeq]).toEqual([0, null, null]);
    expect(recent.covering(1, 5, undefined)).toBeUndefined();
    recent.add(liveEvent(6));
    recent.add(liveEvent(7));
    expect(seqs(recent.covering(6, 7, undefined))).toEqual([6, 7]);
    expect(recent.covering(5, 7, undefined)).toBeUndefined();
  });

  it('holds nothing with capacity 0', () => {
    const recent = filled(0, 1, 3);
    expect([recent.size, recent.firstSeq]).toEqual([0, null]);
    expect(recent.covering(1, 1, undefined)).toBeUndefined();
  });
});
