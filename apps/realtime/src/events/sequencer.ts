import { setTimeout as delay } from 'node:timers/promises';
import type { EventStream } from './event-stream.js';
import type { LiveEvent } from './live-event.js';

export interface SequencerOptions {
  stream: EventStream;
  /** Receives every event exactly once, in seq order. */
  deliver: (event: LiveEvent) => void;
  /** Delivery begins after `lastSeq`. */
  onStart?: (lastSeq: number) => void;
  /** Events `from..to` were trimmed from the stream before they could be fetched: they are gone. */
  onLost: (from: number, to: number) => void;
  /** A stream read failed; it is retried with backoff. */
  onFillError: (error: unknown) => void;
  chunkSize?: number;
  retryDelayMs?: number;
  maxRetryDelayMs?: number;
}

export interface SequencerStats {
  /** Live messages dropped because their seq was already delivered (at-least-once re-publishes). */
  duplicates: number;
  /** Events fetched from the stream to fill a gap in the live feed. */
  recovered: number;
  gapFills: number;
  lost: number;
}

/**
 * Turns the at-least-once, lossy-while-disconnected pub/sub feed into an exactly-once, in-order one:
 * duplicates are dropped by seq, and whenever a live seq skips ahead (or a reconnect may have missed
 * events) the missing range is read from the stream before anything newer is delivered.
 */
export class Sequencer {
  readonly stats: SequencerStats = { duplicates: 0, recovered: 0, gapFills: 0, lost: 0 };
  private last = 0;
  /** Highest seq known to exist that has not been delivered yet; a fill reads up to it. */
  private target = 0;
  private pending: LiveEvent[] = [];
  private started = false;
  private busy = false;
  private stopped = false;
  private work: Promise<void> = Promise.resolve();
  /** Bumped by `restart`: a stream read begun before it belongs to another history and is discarded. */
  private generation = 0;
  private readonly chunkSize: number;
  private readonly retryDelayMs: number;
  private readonly maxRetryDelayMs: number;

  constructor(private readonly options: SequencerOptions) {
    this.chunkSize = options.chunkSize ?? 1000;
    this.retryDelayMs = options.retryDelayMs ?? 100;
    this.maxRetryDelayMs = options.maxRetryDelayMs ?? 2000;
  }

  /** The newest seq delivered. */
  get lastSeq(): number {
    return this.last;
  }

  get isStarted(): boolean {
    return this.started;
  }

  /** Begins delivery after `lastSeq`; anything pushed before is held until now. */
  start(lastSeq: number): void {
    this.last = lastSeq;
    this.started = true;
    this.options.onStart?.(lastSeq);
    this.kick();
  }

  /**
   * Starts over after `lastSeq` in another history (a new epoch): what is held or being fetched belongs to
   * the old one and is dropped; nothing is delivered twice within the new one.
   */
  restart(lastSeq: number): void {
    this.generation++;
    this.last = lastSeq;
    this.target = lastSeq;
    this.pending = [];
    this.options.onStart?.(lastSeq);
  }

  push(event: LiveEvent): void {
    if (this.started && !this.busy && this.pending.length === 0) {
      if (event.seq <= this.last) {
        this.stats.duplicates++;
        return;
      }
      if (event.seq === this.last + 1) {
        this.last = event.seq;
        this.options.deliver(event);
        return;
      }
    }
    this.pending.push(event);
    this.kick();
  }

  /** Events up to `seq` exist (e.g. the stream's tail after a resubscribe): make sure they are delivered. */
  catchUp(seq: number): void {
    if (seq > this.target) this.target = seq;
    this.kick();
  }

  /** Resolves once everything known so far has been delivered. */
  idle(): Promise<void> {
    return this.work;
  }

  stop(): void {
    this.stopped = true;
    this.pending = [];
  }

  private kick(): void {
    if (!this.started || this.busy || this.stopped) return;
    this.busy = true;
    this.work = this.run();
  }

  private async run(): Promise<void> {
    let retryDelay = this.retryDelayMs;
    try {
      for (;;) {
        this.deliverPending();
        if (this.stopped || this.target <= this.last) return;
        try {
          await this.fill(this.target);
          retryDelay = this.retryDelayMs;
        } catch (error) {
          this.options.onFillError(error);
          await delay(retryDelay, undefined, { ref: false });
          retryDelay = Math.min(retryDelay * 2, this.maxRetryDelayMs);
        }
      }
    } finally {
      this.busy = false;
    }
  }

  /** Delivers held live events up to the first gap, which becomes the next fill target. */
  private deliverPending(): void {
    let i = 0;
    for (; i < this.pending.length; i++) {
      const event = this.pending[i]!;
      if (event.seq <= this.last) {
        this.stats.duplicates++;
      } else if (event.seq === this.last + 1) {
        this.last = event.seq;
        this.options.deliver(event);
      } else {
        if (event.seq - 1 > this.target) this.target = event.seq - 1;
        break;
      }
    }
    this.pending.splice(0, i);
  }

  private async fill(to: number): Promise<void> {
    this.stats.gapFills++;
    const generation = this.generation;
    while (this.last < to && !this.stopped) {
      const from = this.last + 1;
      const page = await this.options.stream.range(from, to, this.chunkSize);
      if (generation !== this.generation) return;
      const first = page.events[0];
      if (first === undefined || first.seq > from) {
        // Either trimmed before we got here (lost) or seqs that were never written: the oldest entry tells.
        const oldest = await this.options.stream.firstSeq();
        if (generation !== this.generation) return;
        if (oldest === null || oldest > from) {
          const lostTo = Math.min(to, (oldest ?? to + 1) - 1);
          this.stats.lost += lostTo - from + 1;
          this.last = lostTo;
          this.options.onLost(from, lostTo);
          continue;
        }
      }
      for (const event of page.events) {
        if (event.seq <= this.last) continue;
        this.last = event.seq;
        this.stats.recovered++;
        this.options.deliver(event);
      }
      this.last = Math.max(this.last, page.next === null ? to : page.next - 1);
    }
  }
}
