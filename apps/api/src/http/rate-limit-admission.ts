import type { WindowLimiter } from './window-limiter.js';

/** Counts a request of `method` from `ip`: 0 when admitted, else the seconds to wait (its Retry-After). */
export type Admission = (ip: string, method: string) => number;

export interface AdmissionOptions {
  /** GET and HEAD. */
  read: WindowLimiter;
  /** Everything else. */
  write: WindowLimiter;
  /** Addresses never limited (a load balancer's health checks, a load generator). */
  allowList: readonly string[];
}

/**
 * Per-IP admission, reads and writes counted apart. A refused request is not counted, so a caller that
 * hands a refused request on to another that asks again (the read lane to the route) refuses it once.
 */
export function createAdmission(options: AdmissionOptions): Admission {
  const allowed = new Set(options.allowList);
  return (ip, method) => {
    if (allowed.has(ip)) return 0;
    return (method === 'GET' || method === 'HEAD' ? options.read : options.write).hit(ip);
  };
}
