import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type ExpirePayload, TagBatcher } from './tag-batcher';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('TagBatcher', () => {
  it('sends the tags added in one tick as one batch, de-duplicated', async () => {
    const sent: ExpirePayload[] = [];
    const batcher = new TagBatcher(async (payload) => void sent.push(payload));
    batcher.add('product:a');
    batcher.add('product:b');
    batcher.add('product:a');
    await vi.advanceTimersByTimeAsync(0);
    expect(sent).toEqual([{ tags: ['product:a', 'product:b'] }]);
  });

  it('expires everything instead of a huge list, or when asked to', async () => {
    const sent: ExpirePayload[] = [];
    const batcher = new TagBatcher(async (payload) => void sent.push(payload), { maxTags: 2 });
    for (const id of ['a', 'b', 'c']) batcher.add(`product:${id}`);
    await vi.advanceTimersByTimeAsync(0);
    batcher.add('product:d');
    batcher.addAll();
    await vi.advanceTimersByTimeAsync(0);
    expect(sent).toEqual([{ all: true }, { all: true }]);
  });

  it('retries a failed send and batches what arrived meanwhile', async () => {
    const sent: ExpirePayload[] = [];
    let failures = 2;
    const batcher = new TagBatcher(
      async (payload) => {
        if (failures-- > 0) throw new Error('server not listening yet');
        sent.push(payload);
      },
      { random: () => 0 },
    );
    batcher.add('product:a');
    await vi.advanceTimersByTimeAsync(0);
    batcher.add('product:b');
    batcher.add('product:c');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(sent).toEqual([{ tags: ['product:a'] }, { tags: ['product:b', 'product:c'] }]);
  });

  it('gives up after the last attempt and says so', async () => {
    const warn = vi.fn();
    const batcher = new TagBatcher(
      async () => {
        throw new Error('down');
      },
      { attempts: 3, random: () => 0, warn },
    );
    batcher.add('product:a');
    await vi.advanceTimersByTimeAsync(5_000);
    expect(warn).toHaveBeenCalledTimes(1);
  });
});
