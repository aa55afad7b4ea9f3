/**
 * Per-key request counting in fixed windows, decided locally and shared in the background.
 *
 * `hit` is synchronous and touches only this process's memory, so a read costs no Redis round trip.
 * `drain` hands out the counts not yet shared; the caller adds them to Redis and reports each key's
 * cluster-wide total back through `absorb`. A key is refused once (last known cluster total + its
 * local hits since) reaches `max`, so the cluster admits at most `max` per window, overshooting by at
 * most what the instances admit between two syncs.
 */
export interface WindowLimiterOptions {
  max: number;
  windowMs: number;
  now?: () => number;
}

interface Counter {
  window: number;
  /** Hits not yet sent to Redis. */
  unsent: number;
  /** Hits sent, whose cluster total has not come back yet. */
  sending: number;
  /** The last cluster-wide total Redis reported (this instance's acknowledged hits included). */
  clusterTotal: number;
}

export interface PendingCount {
  key: string;
  window: number;
  delta: number;
}

export class WindowLimiter {
  private readonly counters = new Map<string, Counter>();
  private readonly now: () => number;

  constructor(private readonly options: WindowLimiterOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Counts a request; returns 0 when allowed, else the seconds until the key's window ends. */
  hit(key: string): number {
    const now = this.now();
    const window = Math.floor(now / this.options.windowMs);
    let counter = this.counters.get(key);
    if (counter === undefined || counter.window !== window) {
      counter = { window, unsent: 0, sending: 0, clusterTotal: 0 };
      this.counters.set(key, counter);
    }
    if (counter.clusterTotal + counter.sending + counter.unsent >= this.options.max) return this.secondsToReset();
    counter.unsent++;
    return 0;
  }

  /** The hits `key` has left in the current window (after those counted so far, on every instance as last known). */
  remaining(key: string): number {
    const counter = this.counters.get(key);
    const window = Math.floor(this.now() / this.options.windowMs);
    if (counter === undefined || counter.window !== window) return this.options.max;
    return Math.max(0, this.options.max - counter.clusterTotal - counter.sending - counter.unsent);
  }

  /** Seconds until the current window ends, rounded up: windows are aligned, so the same for every key. */
  secondsToReset(): number {
    const now = this.now();
    return Math.max(1, Math.ceil(((Math.floor(now / this.options.windowMs) + 1) * this.options.windowMs - now) / 1000));
  }

  get max(): number {
    return this.options.max;
  }

  get windowMs(): number {
    return this.options.windowMs;
  }

  /**
   * Every key of the current window with its hits not yet shared (possibly 0: the sync then only reads
   * the cluster total back, so an idle instance still learns what the others admitted), now marked as
   * being sent. Counters of past windows are dropped.
   */
  drain(): PendingCount[] {
    const window = Math.floor(this.now() / this.options.windowMs);
    const pending: PendingCount[] = [];
    for (const [key, counter] of this.counters) {
      if (counter.window !== window) {
        this.counters.delete(key);
      } else {
        pending.push({ key, window, delta: counter.unsent });
        counter.sending += counter.unsent;
        counter.unsent = 0;
      }
    }
    return pending;
  }

  /** Redis's cluster-wide total for a key, after `count` was added to it. */
  absorb(count: PendingCount, clusterTotal: number): void {
    const counter = this.current(count);
    if (counter === undefined) return;
    counter.sending -= count.delta;
    counter.clusterTotal = Math.max(counter.clusterTotal, clusterTotal);
  }

  /** A share that never reached Redis stays counted locally, so an outage never loosens the limit. */
  restore(count: PendingCount): void {
    const counter = this.current(count);
    if (counter === undefined) return;
    counter.sending -= count.delta;
    counter.unsent += count.delta;
  }

  get size(): number {
    return this.counters.size;
  }

  private current(count: PendingCount): Counter | undefined {
    const counter = this.counters.get(count.key);
    return counter !== undefined && counter.window === count.window ? counter : undefined;
  }
}
