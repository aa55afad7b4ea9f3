import { describe, expect, it, vi } from 'vitest';
import { RecentEvents } from './recent-events.js';
import type { EventRow } from './worker-sql.js';

const EPOCH = 'e1';

/** The outbox as Postgres answers READ_EVENTS: published seqs (gaps where rows were rejected). */
function outbox(seqs: number[]) {
  const rows = seqs.map((seq): EventRow => ({ seq, type: 'product.updated', topics: ['catalog'], data: { seq }, actor: null, occurredAt: '2026-12-07T06:00:00.000Z' }));
  return vi.fn(async (after: number, limit: number) => rows.filter((row) => row.seq > after).slice(0, limit));
}

const seqsOf = (rows: EventRow[]) => rows.map((row) => row.seq);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('RecentEvents', () => {
  it('answers a second lane at the same position from memory, with the same rows', async () => {
    const query = outbox(range(1, 30));
    const events = new RecentEvents();
    const first = await events.read(EPOCH, 0, 10, query);
    const second = await events.read(EPOCH, 0, 10, query);
    expect(seqsOf(second)).toEqual(range(1, 10));
    expect(second).toEqual(first);
    expect(query).toHaveBeenCalledTimes(1);
  });

  it('serves any position inside the run, across the gaps of rejected rows', async () => {
    const query = outbox([1, 2, 5, 6, 7, 9, 10, 11, 12, 13, 14, 15]);
    const events = new RecentEvents();
    await events.read(EPOCH, 0, 6, query);
    await events.read(EPOCH, 9, 6, query);
    expect(query).toHaveBeenCalledTimes(2);
    expect(seqsOf(await events.read(EPOCH, 3, 4, query))).toEqual([5, 6, 7, 9]);
    expect(seqsOf(await events.read(EPOCH, 7, 5, query))).toEqual([9, 10, 11, 12, 13]);
    expect(query).toHaveBeenCalledTimes(2);
  });

  it('asks Postgres when the run cannot fill the batch, so a lane is never told it caught up early', async () => {
    const query = outbox(range(1, 30));
    const events = new RecentEvents();
    await events.read(EPOCH, 0, 10, query);
    expect(seqsOf(await events.read(EPOCH, 5, 10, query))).toEqual(range(6, 15));
    expect(query).toHaveBeenCalledTimes(2);
    // The run now reaches 15: a batch inside it comes from memory.
    expect(seqsOf(await events.read(EPOCH, 4, 10, query))).toEqual(range(5, 14));
    expect(query).toHaveBeenCalledTimes(2);
  });

  it('answers a short read from memory once the run reaches the head the caller knows was published', async () => {
    const query = outbox(range(1, 30));
    const events = new RecentEvents();
    await events.read(EPOCH, 0, 100, query, 30);
    expect(query).toHaveBeenCalledTimes(1);
    // Lanes caught up at different positions: one query between them.
    expect(seqsOf(await events.read(EPOCH, 12, 100, query, 30))).toEqual(range(13, 30));
    expect(seqsOf(await events.read(EPOCH, 25, 100, query, 30))).toEqual(range(26, 30));
    expect(await events.read(EPOCH, 30, 100, query, 30)).toEqual([]);
    expect(query).toHaveBeenCalledTimes(1);
    // A newer head than the run reaches: Postgres is asked.
    expect(seqsOf(await events.read(EPOCH, 25, 100, query, 31))).toEqual(range(26, 30));
    expect(query).toHaveBeenCalledTimes(2);
  });

  it('never answers from another epoch, nor below where the run starts', async () => {
    const query = outbox(range(1, 30));
    const events = new RecentEvents();
    await events.read(EPOCH, 10, 5, query);
    await events.read('e2', 10, 5, query);
    expect(query).toHaveBeenCalledTimes(2);
    await events.read(EPOCH, 9, 5, query);
    expect(query).toHaveBeenCalledTimes(3);
  });

  it('shares one query among the lanes that miss at the same position at once', async () => {
    const query = outbox(range(1, 30));
    const events = new RecentEvents();
    const answers = await Promise.all([events.read(EPOCH, 0, 10, query), events.read(EPOCH, 0, 10, query), events.read(EPOCH, 0, 10, query)]);
    expect(query).toHaveBeenCalledTimes(1);
    for (const rows of answers) expect(seqsOf(rows)).toEqual(range(1, 10));
  });

  it('drops its oldest rows past its capacity and still answers only what it holds whole', async () => {
    const query = outbox(range(1, 40));
    const events = new RecentEvents(15);
    await events.read(EPOCH, 0, 10, query);
    await events.read(EPOCH, 10, 10, query);
    expect(events.size).toBe(15);
    expect(seqsOf(await events.read(EPOCH, 5, 10, query))).toEqual(range(6, 15));
    expect(query).toHaveBeenCalledTimes(2);
    expect(seqsOf(await events.read(EPOCH, 3, 5, query))).toEqual(range(4, 8));
    expect(query).toHaveBeenCalledTimes(3);
  });
});
