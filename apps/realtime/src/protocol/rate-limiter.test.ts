import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limiter.js';

describe('RateLimiter', () => {
  it('allows the limit per second, warns once on the first excess, then drops silently', () => {
    let now = 1_000;
    const limiter = new RateLimiter({ maxPerSecond: 3, now: () => now });
    expect([1, 2, 3, 4, 5, 6].map(() => limiter.check())).toEqual(['ok', 'ok', 'ok', 'warn', 'drop', 'drop']);
    now += 1_000;
    expect(limiter.check()).toBe('ok');
  });

  it('closes on an excess repeated within the repeat window, forgives one after it', () => {
    let now = 1_000;
    const limiter = new RateLimiter({ maxPerSecond: 1, repeatWindowMs: 5_000, now: () => now });
    limiter.check();
    expect(limiter.check()).toBe('warn');
    now += 10_000;
    limiter.check();
    expect(limiter.check()).toBe('warn');
    now += 1_000;
    limiter.check();
    expect(limiter.check()).toBe('close');
  });
});
