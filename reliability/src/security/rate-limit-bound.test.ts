import { describe, expect, it } from 'vitest';
import { admittedBound } from './rate-limit-bound.js';

describe('admittedBound', () => {
  it('adds the others’ admissions over two sync periods to the limit', () => {
    // Stale for 2 × (100 + 100) = 400 ms: 17 rounds 25 ms apart, 2 requests each, from the one other instance.
    expect(admittedBound({ max: 100, instances: 2, syncMs: 100, syncSlopMs: 100, perInstancePerRound: 2, pauseMs: 25 })).toEqual({
      bound: 134,
      slack: 34,
      unshared: 200,
    });
  });

  it('grows with every further instance and never exceeds what unshared instances would admit', () => {
    const three = admittedBound({ max: 100, instances: 3, syncMs: 100, syncSlopMs: 100, perInstancePerRound: 2, pauseMs: 25 });
    expect(three.slack).toBe(68);
    const tiny = admittedBound({ max: 5, instances: 2, syncMs: 1_000, syncSlopMs: 0, perInstancePerRound: 10, pauseMs: 10 });
    expect(tiny.bound).toBe(10);
  });

  it('is the limit itself for a single instance', () => {
    expect(admittedBound({ max: 40, instances: 1, syncMs: 100, syncSlopMs: 100, perInstancePerRound: 4, pauseMs: 5 }).bound).toBe(40);
  });
});
