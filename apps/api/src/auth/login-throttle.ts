import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { RateLimitedError, ServiceUnavailableError } from '../domain/errors.js';
import { LOGIN_THROTTLE_SCRIPT } from './login-throttle-script.js';

/** How long an address the account signed in from stays exempt from the account-wide tier. */
const KNOWN_ADDRESS_TTL_MS = 30 * 86_400_000;

export interface LoginThrottleOptions {
  redis: Redis;
  prefix: string;
  /** Whose sign-ins are counted: staff (`login`, the default) and customers (`customer-login`) apart. */
  namespace?: string;
  /** Failures of one account from one address before cool-downs start: the strict tier. */
  maxPerAccountAddress: number;
  /** Failures of one account from every address together. */
  maxPerAccount: number;
  /** Failures from one address, any account. */
  maxPerIp: number;
  /** The first cool-down; it doubles with each further failure. */
  cooldownMs: number;
  cooldownMaxMs: number;
  /** One failure is forgotten per this many ms without failures. */
  decayMs: number;
}

/**
 * Progressive login throttling in three tiers, counted in Redis so that every instance sees the same
 * state (script and its rules: login-throttle-script.ts). Every attempt is counted before the password
 * is checked and taken back when it was right, so a burst of concurrent guesses is throttled like a
 * sequence. Emails are counted whether or not they exist, so neither a 401 nor a 429 says anything about
 * existence. Without Redis, logins are refused (503) rather than unthrottled.
 */
export class LoginThrottle {
  constructor(private readonly options: LoginThrottleOptions) {}

  /** Counts an attempt; throws RateLimitedError (nothing counted) while a tier is cooling down. */
  async begin(email: string, ip: string): Promise<void> {
    const waitMs = await this.run('begin', email, ip);
    if (waitMs > 0) throw new RateLimitedError(Math.max(1, Math.ceil(waitMs / 1_000)));
  }

  /** The password was right: the strict tier is cleared and the address becomes one the account uses. */
  async succeeded(email: string, ip: string): Promise<void> {
    await this.run('success', email, ip);
  }

  /** The attempt could not be decided (the check failed): it does not count. */
  async release(email: string, ip: string): Promise<void> {
    await this.run('release', email, ip);
  }

  private async run(mode: 'begin' | 'success' | 'release', email: string, ip: string): Promise<number> {
    const { prefix, decayMs, cooldownMs, cooldownMaxMs, maxPerAccountAddress, maxPerAccount, maxPerIp } = this.options;
    const account = createHash('sha256').update(email.toLowerCase()).digest('base64url');
    const space = `${prefix}:${this.options.namespace ?? 'login'}`;
    const keys = [`${space}:pair:${account}:${ip}`, `${space}:account:${account}`, `${space}:ip:${ip}`, `${space}:known:${account}:${ip}`];
    const args = [mode, decayMs, cooldownMs, cooldownMaxMs, maxPerAccountAddress, maxPerAccount, maxPerIp, KNOWN_ADDRESS_TTL_MS];
    try {
      return Number(await this.options.redis.eval(LOGIN_THROTTLE_SCRIPT, keys.length, ...keys, ...args));
    } catch (error) {
      throw Object.assign(new ServiceUnavailableError('sign-in is unavailable for a moment; try again'), { cause: error });
    }
  }
}
