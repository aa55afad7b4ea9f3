import { clearRedisPrefix, testRedisPrefix } from '@livecart/local-services/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { LoginThrottle, type LoginThrottleOptions } from '../src/auth/login-throttle.js';
import { RateLimitedError } from '../src/domain/errors.js';

const redisUrl = inject('redisUrl');
const prefix = testRedisPrefix('login-throttle');
let redis: Redis;

beforeAll(() => {
  redis = new Redis(redisUrl, { lazyConnect: false });
});

afterAll(async () => {
  redis.disconnect();
  await clearRedisPrefix(redisUrl, prefix);
});

let throttles = 0;
function throttle(options: Partial<LoginThrottleOptions> = {}) {
  throttles++;
  return new LoginThrottle({
    redis,
    prefix: `${prefix}:${throttles}`,
    maxPerAccountAddress: 3,
    maxPerAccount: 100,
    maxPerIp: 100,
    cooldownMs: 100,
    cooldownMaxMs: 10_000,
    decayMs: 60_000,
    ...options,
  });
}

/** Whether an attempt may start now (it then counts as a failure). */
async function admitted(subject: LoginThrottle, email: string, ip: string): Promise<boolean> {
  try {
    await subject.begin(email, ip);
    return true;
  } catch (error) {
    if (error instanceof RateLimitedError) return false;
    throw error;
  }
}

/** Tries every 5 ms until an attempt is admitted; how long that took. */
async function waitForAdmission(subject: LoginThrottle, email: string, ip: string): Promise<number> {
  const started = Date.now();
  while (!(await admitted(subject, email, ip))) await new Promise((resolve) => setTimeout(resolve, 5));
  return Date.now() - started;
}

describe('login throttle (Redis)', () => {
  it('doubles the cool-down with each failure past the limit, one attempt let through after each', async () => {
    const subject = throttle();
    for (let attempt = 0; attempt < 3; attempt++) expect(await admitted(subject, 'a@shop.test', '10.0.0.1')).toBe(true);
    // The third failure reached the limit: 100 ms, then 200, 400, 800 after each further failure.
    const waits: number[] = [];
    for (let step = 0; step < 4; step++) waits.push(await waitForAdmission(subject, 'a@shop.test', '10.0.0.1'));
    // Lower bounds only: a loaded machine can make a wait look longer, never shorter.
    waits.forEach((wait, step) => expect(wait, `waits ${waits.join(', ')} ms`).toBeGreaterThanOrEqual(0.9 * 100 * 2 ** step));
    // Strict per (email, address): the same email from elsewhere and another email from here are untouched.
    expect(await admitted(subject, 'a@shop.test', '10.0.0.2')).toBe(true);
    expect(await admitted(subject, 'b@shop.test', '10.0.0.1')).toBe(true);
  });

  it('throttles a concurrent burst like a sequence: the attempts are counted before the password is checked', async () => {
    const subject = throttle({ cooldownMs: 5_000 });
    const outcomes = await Promise.all(Array.from({ length: 20 }, () => admitted(subject, 'c@shop.test', '10.0.0.1')));
    expect(outcomes.filter(Boolean)).toHaveLength(3);
  });

  it('clears the strict tier on a right password and takes the attempt back', async () => {
    const subject = throttle({ cooldownMs: 5_000 });
    for (let attempt = 0; attempt < 2; attempt++) await admitted(subject, 'd@shop.test', '10.0.0.1');
    expect(await admitted(subject, 'd@shop.test', '10.0.0.1')).toBe(true);
    await subject.succeeded('d@shop.test', '10.0.0.1');
    for (let attempt = 0; attempt < 3; attempt++) expect(await admitted(subject, 'd@shop.test', '10.0.0.1')).toBe(true);
    expect(await admitted(subject, 'd@shop.test', '10.0.0.1')).toBe(false);
  });

  it("exempts the account's own addresses from the per-email tier that strangers fill from elsewhere", async () => {
    const subject = throttle({ maxPerAccountAddress: 100, maxPerAccount: 5, cooldownMs: 5_000 });
    expect(await admitted(subject, 'e@shop.test', '10.0.0.9')).toBe(true);
    await subject.succeeded('e@shop.test', '10.0.0.9');
    for (let address = 1; address <= 5; address++) expect(await admitted(subject, 'e@shop.test', `10.0.1.${address}`)).toBe(true);
    expect(await admitted(subject, 'e@shop.test', '10.0.1.6')).toBe(false);
    expect(await admitted(subject, 'e@shop.test', '10.0.0.9')).toBe(true);
  });

  it('forgets failures as they decay, one per decay interval', async () => {
    const subject = throttle({ maxPerAccountAddress: 3, decayMs: 400, cooldownMs: 5_000 });
    for (let attempt = 0; attempt < 2; attempt++) expect(await admitted(subject, 'f@shop.test', '10.0.0.1')).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 500));
    // Of two failures one has decayed (the other not yet: the tier is still there): two more before the limit.
    expect(await admitted(subject, 'f@shop.test', '10.0.0.1')).toBe(true);
    expect(await admitted(subject, 'f@shop.test', '10.0.0.1')).toBe(true);
    expect(await admitted(subject, 'f@shop.test', '10.0.0.1')).toBe(false);
  });
});
