import { afterEach, describe, expect, it, vi } from 'vitest';
import { Tally } from './tally.js';

describe('Tally', () => {
  afterEach(() => vi.useRealTimers());

  it('puts outcomes in the bucket of their time and keeps a few error examples', () => {
    vi.useFakeTimers({ now: 1_000 });
    const tally = new Tally(1_000, 10_000);
    tally.record('ok', 4);
    tally.record('expected', 6);
    vi.advanceTimersByTime(25_000);
    tally.record('error', 30, 'GET /v1/products/x → 503');
    tally.record('ok', 2);
    expect(tally.snapshot()).toEqual([
      { atMs: 0, ok: 1, expected: 1, errors: 0, p50Ms: 4, p99Ms: 6 },
      { atMs: 20_000, ok: 1, expected: 0, errors: 1, p50Ms: 2, p99Ms: 30 },
    ]);
    expect(tally.examples).toEqual(['GET /v1/products/x → 503']);
  });
});
