import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff.js';

describe('backoffDelay', () => {
  it('doubles per attempt up to the cap', () => {
    const top = (attempt: number) => backoffDelay(attempt, { baseMs: 100, maxMs: 1_000, random: () => 1 });
    expect([0, 1, 2, 3, 4, 5].map(top)).toEqual([100, 200, 400, 800, 1_000, 1_000]);
  });

  it('keeps at least half of the step, so retries never spin', () => {
    expect(backoffDelay(3, { baseMs: 100, maxMs: 10_000, random: () => 0 })).toBe(400);
  });

  it('spreads clients across the upper half of the step', () => {
    const delays = new Set(Array.from({ length: 50 }, () => backoffDelay(6, { baseMs: 100, maxMs: 60_000 })));
    expect(delays.size).toBeGreaterThan(10);
    for (const d of delays) expect(d).toBeGreaterThanOrEqual(3_200);
    for (const d of delays) expect(d).toBeLessThanOrEqual(6_400);
  });

  it('survives absurd attempt counts', () => {
    expect(backoffDelay(10_000, { maxMs: 5_000, random: () => 1 })).toBe(5_000);
  });
});
