import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { RateLimitedError, ServiceUnavailableError } from '../domain/errors.js';

export interface LoginThrottleOptions {
  redis: Redis;
  prefix: string;
  maxPerAccount: number;
  maxPerIp: number;
  cooldownMs: number;
}

/**
 * Counts failed logins per email and per client address in Redis (so every instance sees the same
 * counts); past a limit, logins for that email or from that address are refused with 429 until the
 * cool-down since the first failure has passed. Emails are counted whether or not they exist, so a
 * refusal says nothing about existence. Without Redis, logins are refused (503) rather than unthrottled.
 */
export class LoginThrottle {
  constructor(private readonly options: LoginThrottleOptions) {}

  /** Throws RateLimitedError while this email or address is cooling down. */
  async check(email: string, ip: string): Promise<void> {
    const [account, address] = this.keys(email, ip);
    const replies = await this.run((redis) => redis.multi().get(account).pttl(account).get(address).pttl(address).exec());
    const value = (index: number) => Number(replies?.[index]?.[1] ?? 0);
    const waits: number[] = [];
    if (value(0) >= this.options.maxPerAccount) waits.push(value(1));
    if (value(2) >= this.options.maxPerIp) waits.push(value(3));
    if (waits.length > 0) throw new RateLimitedError(Math.max(1, Math.ceil(Math.max(...waits) / 1_000)));
  }

  async recordFailure(email: string, ip: string): Promise<void> {
    const [account, address] = this.keys(email, ip);
    const ms = this.options.cooldownMs;
    await this.run((redis) => redis.multi().incr(account).pexpire(account, ms, 'NX').incr(address).pexpire(address, ms, 'NX').exec());
  }

  /** A right password clears its email's count (not the address's: one account must not unlock others). */
  async recordSuccess(email: string): Promise<void> {
    const [account] = this.keys(email, '');
    await this.run((redis) => redis.del(account));
  }

  private keys(email: string, ip: string): [string, string] {
    const emailDigest = createHash('sha256').update(email.toLowerCase()).digest('base64url');
    return [`${this.options.prefix}:login-failures:email:${emailDigest}`, `${this.options.prefix}:login-failures:ip:${ip}`];
  }

  private async run<T>(command: (redis: Redis) => Promise<T>): Promise<T> {
    try {
      return await command(this.options.redis);
    } catch (error) {
      throw Object.assign(new ServiceUnavailableError('sign-in is unavailable for a moment; try again'), { cause: error });
    }
  }
}
