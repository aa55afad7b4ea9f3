import { describe, expect, it } from 'vitest';
import { retryDelayMs } from './retry-schedule.js';

const schedule = { baseMs: 1_000, maxMs: 60_000 };

describe('retryDelayMs', () => {
  it('doubles from the base with each failure, between half and all of the step', () => {
    expect([1, 2, 3, 4].map((attempts) => retryDelayMs(schedule, attempts, () => 0))).toEqual([500, 1_000, 2_000, 4_000]);
    expect([1, 2, 3, 4].map((attempts) => retryDelayMs(schedule, attempts, () => 1))).toEqual([1_000, 2_000, 4_000, 8_000]);
  });

  it('never waits longer than the maximum, however many failures', () => {
    expect(retryDelayMs(schedule, 10, () => 1)).toBe(60_000);
    expect(retryDelayMs(schedule, 10_000, () => 1)).toBe(60_000);
    expect(retryDelayMs(schedule, 10_000, () => 0)).toBe(30_000);
  });

  it('spreads endpoints that failed together', () => {
    const delays = new Set(Array.from({ length: 20 }, () => retryDelayMs(schedule, 5)));
    expect(delays.size).toBeGreaterThan(10);
  });
});
