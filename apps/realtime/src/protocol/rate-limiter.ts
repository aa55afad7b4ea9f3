/**
 * - `ok`: handle the message.
 * - `warn`: over the limit for the first time this second: drop it and tell the client.
 * - `drop`: over the limit again within the same second: drop it silently.
 * - `close`: over the limit in another second soon after a warning: the client is abusive.
 */
export type RateVerdict = 'ok' | 'warn' | 'drop' | 'close';

export interface RateLimiterOptions {
  maxPerSecond: number;
  /** A second excess within this long after the previous one closes the connection. */
  repeatWindowMs?: number;
  now?: () => number;
}

/** Client messages per second, in fixed one-second windows: cheap, and good enough for rare messages. */
export class RateLimiter {
  private windowStart = 0;
  private count = 0;
  private warnedInWindow = false;
  private lastExcessAt = Number.NEGATIVE_INFINITY;
  private readonly repeatWindowMs: number;
  private readonly now: () => number;

  constructor(private readonly options: RateLimiterOptions) {
    this.repeatWindowMs = options.repeatWindowMs ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  check(): RateVerdict {
    const now = this.now();
    if (now - this.windowStart >= 1000) {
      this.windowStart = now;
      this.count = 0;
      this.warnedInWindow = false;
    }
    this.count++;
    if (this.count <= this.options.maxPerSecond) return 'ok';
    if (this.warnedInWindow) return 'drop';
    this.warnedInWindow = true;
    const repeated = now - this.lastExcessAt < this.repeatWindowMs;
    this.lastExcessAt = now;
    return repeated ? 'close' : 'warn';
  }
}
