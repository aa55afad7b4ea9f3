import type { LiveEvent } from '../events/live-event.js';
import { BatchFrameCache } from './build-frame.js';
import type { ClientWriter } from './client-writer.js';

export interface WriteLineOptions {
  /** Called as events have been written to every connection that queued them. */
  onFlushed?: (events: readonly LiveEvent[], nowMs: number) => void;
  /** How often a lagging writer (policy `latest`) is checked for a drained socket. */
  lagCheckIntervalMs?: number;
  /**
   * On (the default): writers are served in the order they got their first pending event, in slices of
   * FLUSH_SLICE_MS with the event loop (Redis, clients) served in between; and when writing takes more
   * than BUSY_HIGH of the time, each writer is held a little longer after its first event (see `holdMs`)
   * so that its write carries more events, until writing is back under that share. Idle, nothing is
   * held: an event goes out on the next event-loop turn.
   * Off: every waiting writer is served in one go, once per event-loop turn.
   */
  adaptiveFlush?: boolean;
  /** Runs `flush` after `delayMs` (0: on the next event-loop turn); tests replace it to flush by hand. */
  schedule?: (flush: () => void, delayMs: number) => void;
}

/**
 * How long one flush may write before it yields to the event loop: new events keep being read from
 * Redis and routed meanwhile (joining the queues of writers still waiting, so their next write carries
 * them), and client messages are answered.
 */
const FLUSH_SLICE_MS = 5;
/** Writers served between two reads of the clock. */
const CLOCK_EVERY = 32;
/**
 * The share of time spent writing that the hold is tuned to stay between. Above the high mark the
 * process has no room left for a burst, a GC or a neighbour's load, and a backlog (latency) builds up
 * before batching catches up; below the low mark it can afford more, smaller writes.
 */
const BUSY_HIGH = 0.8;
const BUSY_LOW = 0.6;
/** How often the hold is re-tuned, from the share of this window spent writing. */
const HOLD_WINDOW_MS = 200;
/** Upper bound of the hold: past it, batching comes only from the backlog itself. */
const MAX_HOLD_MS = 100;

function scheduleFlush(flush: () => void, delayMs: number): void {
  if (delayMs <= 0) setImmediate(flush);
  else setTimeout(flush, delayMs);
}

/**
 * When writers write: the line of writers with events pending (first touched, first served), flushes
 * scheduled in slices, the adaptive hold, the watch over lagging writers, and the report of which
 * events have reached every writer that queued them. Writes, not bytes, are what cost here: a kernel
 * write per socket dwarfs the rest, so the longer a writer waits its turn, the more its write carries.
 */
export class WriteLine {
  /** Writers with events to write, in the order they got their first one; those before `head` are done. */
  private line: ClientWriter[] = [];
  /** When each writer of `line` got in it (performance.now() ms). */
  private since: number[] = [];
  private head = 0;
  /** Writers ever put in line, and ever taken out of it: an event is written everywhere once `taken` reaches its mark. */
  private lined = 0;
  private taken = 0;
  /** Routed events not yet written to every writer that queued them, with the `lined` count each waits for. */
  private unwritten: LiveEvent[] = [];
  private unwrittenMarks: number[] = [];
  private scheduled = false;
  private readonly lagging = new Set<ClientWriter>();
  private lagTimer: NodeJS.Timeout | undefined;
  private readonly schedule: (flush: () => void, delayMs: number) => void;
  private readonly adaptive: boolean;
  private readonly flushBound = () => (this.adaptive ? this.flush(FLUSH_SLICE_MS, this.hold) : this.flush());
  /** How long a writer waits after its first pending event before it may write (adaptive only). */
  private hold = 0;
  private holdWindowStart = performance.now();
  private busyInWindow = 0;

  constructor(private readonly options: WriteLineOptions) {
    this.schedule = options.schedule ?? scheduleFlush;
    this.adaptive = options.adaptiveFlush !== false;
  }

  /** The current hold, in ms (0 unless writing has been taking more than BUSY_HIGH of the time). */
  get holdMs(): number {
    return this.hold;
  }

  /** Puts `writer` in line, unless it already is, and makes sure a flush will come for it. */
  enqueue(writer: ClientWriter): void {
    if (!writer.enterLine()) return;
    const now = performance.now();
    this.line.push(writer);
    this.since.push(now);
    this.lined++;
    this.scheduleFlush(now);
  }

  /** `event` was queued by writers just put in line: report it once every one of them has had its turn. */
  routed(event: LiveEvent): void {
    this.unwritten.push(event);
    this.unwrittenMarks.push(this.lined);
  }

  /** Checks `writer` every lagCheckIntervalMs until it has drained and written its newest events. */
  watchLagging(writer: ClientWriter): void {
    this.lagging.add(writer);
    this.lagTimer ??= setInterval(() => this.checkLagging(), this.options.lagCheckIntervalMs ?? 100);
  }

  forget(writer: ClientWriter): void {
    this.lagging.delete(writer);
  }

  /**
   * Serves the waiting writers in line order — those that have waited at least `holdMs` — for about
   * `budgetMs` (by default all of them, at once); whatever is left gets another flush scheduled.
   */
  flush(budgetMs = Number.POSITIVE_INFINITY, holdMs = 0): void {
    this.scheduled = false;
    const started = performance.now();
    const deadline = started + budgetMs;
    const dueBy = started - holdMs;
    const cache = new BatchFrameCache();
    const line = this.line;
    const since = this.since;
    let head = this.head;
    while (head < line.length && since[head]! <= dueBy) {
      line[head++]!.takeTurn(cache);
      if (head % CLOCK_EVERY === 0 && performance.now() >= deadline) break;
    }
    this.taken += head - this.head;
    if (head === line.length) {
      this.line = [];
      this.since = [];
      this.head = 0;
    } else {
      // Under sustained load the line never empties: drop its done part once it is the larger one.
      if (head > 1024 && head * 2 > line.length) {
        this.line = line.slice(head);
        this.since = since.slice(head);
        head = 0;
      }
      this.head = head;
    }
    this.reportWritten();
    const ended = performance.now();
    if (this.adaptive) this.tuneHold(ended - started, ended);
    if (this.head < this.line.length) this.scheduleFlush(ended);
  }

  /** Stops the lagging-writer timer. */
  close(): void {
    clearInterval(this.lagTimer);
    this.lagTimer = undefined;
    this.lagging.clear();
  }

  /** Schedules a flush for when the first writer in line is due. */
  private scheduleFlush(now: number): void {
    if (this.scheduled) return;
    this.scheduled = true;
    const due = this.adaptive ? this.since[this.head]! + this.hold - now : 0;
    this.schedule(this.flushBound, Math.max(0, Math.ceil(due)));
  }

  /**
   * Every HOLD_WINDOW_MS, grows the hold by half when writing took more than BUSY_HIGH of the window
   * (fewer, fuller writes), halves it when under BUSY_LOW (lower latency).
   */
  private tuneHold(busyMs: number, now: number): void {
    this.busyInWindow += busyMs;
    const elapsed = now - this.holdWindowStart;
    if (elapsed < HOLD_WINDOW_MS) return;
    const busy = this.busyInWindow / elapsed;
    if (busy > BUSY_HIGH) this.hold = Math.min(MAX_HOLD_MS, Math.max(1, this.hold * 1.5));
    else if (busy < BUSY_LOW) this.hold = this.hold < 1 ? 0 : this.hold / 2;
    this.holdWindowStart = now;
    this.busyInWindow = 0;
  }

  /** Hands `onFlushed` the events whose every queued copy has now been written (or dropped). */
  private reportWritten(): void {
    let done = 0;
    while (done < this.unwritten.length && this.unwrittenMarks[done]! <= this.taken) done++;
    if (done === 0) return;
    const events = this.unwritten.splice(0, done);
    this.unwrittenMarks.splice(0, done);
    this.options.onFlushed?.(events, Date.now());
  }

  private checkLagging(): void {
    for (const writer of this.lagging) if (writer.writeLatest()) this.lagging.delete(writer);
    if (this.lagging.size === 0) {
      clearInterval(this.lagTimer);
      this.lagTimer = undefined;
    }
  }
}
