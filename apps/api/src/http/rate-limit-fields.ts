import type { HeaderList } from './header-list.js';
import type { WindowLimiter } from './window-limiter.js';

/**
 * The RateLimit-Policy and RateLimit response fields of the IETF draft "RateLimit header fields for HTTP"
 * (draft-ietf-httpapi-ratelimit-headers-11), Structured Field lists of items named by a string:
 *
 *   RateLimit-Policy: "read";q=1200;w=60      quota q per window of w seconds
 *   RateLimit: "read";r=1187;t=42             r left, for the next t seconds
 *
 * The partition (`pk`) is the client's address, which the client knows: it is not sent.
 */
export interface RateLimitPolicy {
  /** The policy's name in both fields, e.g. `read`. */
  name: string;
  limiter: WindowLimiter;
  /** Its RateLimit-Policy item, made once. */
  item: string;
}

export function rateLimitPolicy(name: string, limiter: WindowLimiter): RateLimitPolicy {
  return { name, limiter, item: `"${name}";q=${limiter.max};w=${Math.ceil(limiter.windowMs / 1000)}` };
}

/**
 * A service limit item for `key` under `policy`. `retryAfter` > 0: the request was refused, nothing is
 * left, and `t` names the same moment as Retry-After (as the draft asks).
 */
export function serviceLimitItem(policy: RateLimitPolicy, key: string, retryAfter: number): string {
  if (retryAfter > 0) return `"${policy.name}";r=0;t=${retryAfter}`;
  return `"${policy.name}";r=${policy.limiter.remaining(key)};t=${policy.limiter.secondsToReset()}`;
}

/** Both fields for one policy, in the order every writer puts them on the wire. */
export function rateLimitFields(policy: RateLimitPolicy, key: string, retryAfter: number): HeaderList {
  return ['ratelimit-policy', policy.item, 'ratelimit', serviceLimitItem(policy, key, retryAfter)];
}
