import { describe, expect, it } from 'vitest';
import { WindowLimiter } from './window-limiter.js';

describe('WindowLimiter', () => {
  it('admits max hits per key per window, then tells how long to wait', () => {
    let now = 10_000;
    const limiter = new WindowLimiter({ max: 3, windowMs: 60_000, now: () => now });
    expect([limiter.hit('a'), limiter.hit('a'), limiter.hit('a')]).toEqual([0, 0, 0]);
    expect(limiter.hit('a')).toBe(50);
    expect(limiter.hit('b')).toBe(0);
    now = 60_000;
    expect(limiter.hit('a')).toBe(0);
  });

  it('tells how many hits a key has left and when its window resets', () => {
    let now = 10_000;
    const limiter = new WindowLimiter({ max: 3, windowMs: 60_000, now: () => now });
    expect(limiter.remaining('a')).toBe(3);
    limiter.hit('a');
    limiter.hit('a');
    expect(limiter.remaining('a')).toBe(1);
    expect(limiter.remaining('b')).toBe(3);
    expect(limiter.secondsToReset()).toBe(50);
    limiter.hit('a');
    limiter.hit('a');
    expect(limiter.remaining('a')).toBe(0);
    now = 59_500;
    expect(limiter.secondsToReset()).toBe(1);
    now = 60_000;
    expect(limiter.remaining('a')).toBe(3);
    expect(limiter.secondsToReset()).toBe(60);
  });

  it('counts what the cluster admitted once Redis reports it back', () => {
    const limiter = new WindowLimiter({ max: 10, windowMs: 60_000, now: () => 0 });
    limiter.hit('ip');
    limiter.hit('ip');
    const [pending] = limiter.drain();
    expect(pending).toEqual({ key: 'ip', window: 0, delta: 2 });
    // Still counted while the sync is in flight.
    for (let i = 0; i < 8; i++) expect(limiter.hit('ip')).toBe(0);
    expect(limiter.hit('ip')).toBeGreaterThan(0);
    limiter.absorb(pending!, 9);
    // 9 known cluster-wide + 8 local since the drain: far over.
    expect(limiter.hit('ip')).toBeGreaterThan(0);
  });

  it('keeps a share that never reached Redis, so an outage does not loosen the limit', () => {
    const limiter = new WindowLimiter({ max: 3, windowMs: 60_000, now: () => 0 });
    limiter.hit('ip');
    limiter.hit('ip');
    for (const count of limiter.drain()) limiter.restore(count);
    expect(limiter.hit('ip')).toBe(0);
    expect(limiter.hit('ip')).toBeGreaterThan(0);
    expect(limiter.drain()).toEqual([{ key: 'ip', window: 0, delta: 3 }]);
  });

  it('drops counters of past windows on drain', () => {
    let now = 0;
    const limiter = new WindowLimiter({ max: 3, windowMs: 1_000, now: () => now });
    limiter.hit('a');
    now = 5_000;
    expect(limiter.drain()).toEqual([]);
    expect(limiter.size).toBe(0);
  });
});
