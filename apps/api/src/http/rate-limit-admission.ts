import type { HeaderList } from './header-list.js';
import { rateLimitFields, type RateLimitPolicy } from './rate-limit-fields.js';

/** Counts a request of `method` from `ip`: 0 when admitted, else the seconds to wait (its Retry-After). */
export type Admission = (ip: string, method: string) => number;

/**
 * The RateLimit and RateLimit-Policy fields of the answer to a request `admission` just decided
 * (`retryAfter` is what it returned); none for an address that is not limited.
 */
export type AdmissionFields = (ip: string, method: string, retryAfter: number) => HeaderList;

export interface AdmissionOptions {
  /** GET and HEAD. */
  read: RateLimitPolicy;
  /** Everything else. */
  write: RateLimitPolicy;
  /** Addresses never limited (a load balancer's health checks, a load generator). */
  allowList: readonly string[];
}

const NONE: HeaderList = [];

/**
 * Per-IP admission, reads and writes counted apart. A refused request is not counted, so a caller that
 * hands a refused request on to another that asks again (the read lane to the route) refuses it once.
 */
export function createAdmission(options: AdmissionOptions): { admit: Admission; fields: AdmissionFields } {
  const allowed = new Set(options.allowList);
  const policyOf = (method: string) => (method === 'GET' || method === 'HEAD' ? options.read : options.write);
  return {
    admit: (ip, method) => (allowed.has(ip) ? 0 : policyOf(method).limiter.hit(ip)),
    fields: (ip, method, retryAfter) => (allowed.has(ip) ? NONE : rateLimitFields(policyOf(method), ip, retryAfter)),
  };
}
