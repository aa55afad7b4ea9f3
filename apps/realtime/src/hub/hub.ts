import { CLOSE_CODES } from '@livecart/schemas';
import type { SlowConsumerPolicy } from '../env.js';
import type { LiveEvent } from '../events/live-event.js';
import { BatchFrameCache, buildFrame } from './build-frame.js';
import { Connection } from './connection.js';
import { TopicIndex } from './topic-index.js';
import type { Transport } from './transport.js';

export interface HubOptions {
  /**
   * A connection whose socket still holds more unsent bytes than this when new events are due has fallen
   * behind; so its backlog stays under this plus one write's worth of events.
   */
  sendBufferMaxBytes: number;
  slowConsumerPolicy: SlowConsumerPolicy;
  /** Called as events have been written to every connection that queued them. */
  onFlushed?: (events: readonly LiveEvent[], nowMs: number) => void;
  /** How often a lagging connection (policy `latest`) is checked for a drained socket. */
  lagCheckIntervalMs?: number;
  /**
   * On (the default): connections are written in the order they got their first pending event, in
   * slices of FLUSH_SLICE_MS with the event loop (Redis, clients) served in between; and when writing
   * takes more than BUSY_HIGH of the time, each connection is held a little longer after its first
   * event (see `holdMs`) so that its write carries more events, until writing is back under that share.
   * Idle, nothing is held: an event goes out on the next event-loop turn.
   * Off: every pending connection is written in one go, once per event-loop turn.
   */
  adaptiveFlush?: boolean;
  /** Runs `flush` after `delayMs` (0: on the next event-loop turn); tests replace it to flush by hand. */
  schedule?: (flush: () => void, delayMs: number) => void;
}

/**
 * How long one flush may write before it yields to the event loop: new events keep being read from
 * Redis and routed meanwhile (joining the queues of connections still waiting, so their next write
 * carries them), and client messages are answered.
 */
const FLUSH_SLICE_MS = 5;
/** Connections written between two reads of the clock. */
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

export interface HubStats {
  eventsIn: number;
  /** Events written to sockets, counted once per receiving connection. */
  delivered: number;
  eventFrames: number;
  batchFrames: number;
  slowConsumerKicks: number;
  /** Times a connection fell behind and switched to newest-per-topic delivery. */
  laggingEntered: number;
  /** Events a lagging connection skipped because a newer one of the same topic replaced them. */
  coalesced: number;
}

/**
 * Live fan-out. Each event is routed through the topic index to its subscribers' queues; a connection
 * with queued events waits in line (first touched, first written) and, at its turn, gets everything it
 * queued as ONE frame (an `event`, or a `batch` of several), built from bytes encoded once per event.
 * Writes, not bytes, are what cost here: a kernel write per socket dwarfs the rest.
 */
export class Hub {
  /** The newest seq published; subscriptions made now get live events after it. */
  seq = 0;
  readonly index = new TopicIndex<Connection>();
  readonly connections = new Set<Connection>();
  readonly stats: HubStats = {
    eventsIn: 0,
    delivered: 0,
    eventFrames: 0,
    batchFrames: 0,
    slowConsumerKicks: 0,
    laggingEntered: 0,
    coalesced: 0,
  };
  /** Connections with events to write, in the order they got their first one; those before `dirtyHead` are done. */
  private dirty: Connection[] = [];
  /** When each connection of `dirty` got in line (performance.now() ms). */
  private dirtySince: number[] = [];
  private dirtyHead = 0;
  /** Connections ever put in line, and ever taken out of it: an event is written everywhere once `taken` reaches its mark. */
  private lined = 0;
  private taken = 0;
  /** Routed events not yet written to every connection that queued them, with the `lined` count each waits for. */
  private unwritten: LiveEvent[] = [];
  private unwrittenMarks: number[] = [];
  private scheduled = false;
  private readonly lagging = new Set<Connection>();
  private lagTimer: NodeJS.Timeout | undefined;
  private readonly cap: number;
  private readonly schedule: (flush: () => void, delayMs: number) => void;
  private readonly adaptive: boolean;
  private readonly flushBound = () => (this.adaptive ? this.flush(FLUSH_SLICE_MS, this.hold) : this.flush());
  /** How long a connection waits after its first pending event before it may be written (adaptive only). */
  private hold = 0;
  private holdWindowStart = performance.now();
  private busyInWindow = 0;

  constructor(private readonly options: HubOptions) {
    this.cap = options.sendBufferMaxBytes;
    this.schedule = options.schedule ?? scheduleFlush;
    this.adaptive = options.adaptiveFlush !== false;
  }

  add(transport: Transport): Connection {
    const connection = new Connection(transport);
    connection.lastSeq = this.seq;
    this.connections.add(connection);
    return connection;
  }

  remove(connection: Connection): void {
    if (connection.closed) return;
    connection.closed = true;
    for (const topic of connection.topics.keys()) this.index.remove(topic, connection);
    connection.topics.clear();
    connection.queue = [];
    connection.queuedBytes = 0;
    connection.latest = null;
    this.lagging.delete(connection);
    this.connections.delete(connection);
  }

  /**
   * Adds `topics`, each delivered live for events after `from` (kept lower if the topic was already
   * followed from earlier).
   */
  subscribe(connection: Connection, topics: readonly string[], from: number): void {
    for (const topic of topics) {
      const previous = connection.topics.get(topic);
      if (previous === undefined) connection.follow(this.index.add(topic, connection), from);
      else connection.follow(topic, Math.min(previous, from));
    }
  }

  unsubscribe(connection: Connection, topics: readonly string[]): void {
    for (const topic of topics) {
      if (connection.topics.delete(topic)) this.index.remove(topic, connection);
      connection.latest?.delete(topic);
    }
  }

  publish(event: LiveEvent): void {
    this.seq = event.seq;
    this.stats.eventsIn++;
    let routed = false;
    for (const topic of event.topics) {
      const members = this.index.get(topic);
      if (members === undefined) continue;
      for (const connection of members) {
        if (this.offer(connection, event, topic)) routed = true;
      }
    }
    if (!routed) return;
    this.unwritten.push(event);
    this.unwrittenMarks.push(this.lined);
  }

  /** Holds live events for `connection` (a replay is being written) after sending what it already queued. */
  pause(connection: Connection): void {
    if (connection.queue.length > 0 && !connection.overflowed) this.flushConnection(connection, new BatchFrameCache());
    connection.paused = true;
  }

  resume(connection: Connection): void {
    connection.paused = false;
    if (connection.queue.length > 0 || connection.overflowed) this.markDirty(connection);
  }

  /**
   * Writes the waiting connections in line order — those that have waited at least `holdMs` — for
   * about `budgetMs` (by default all of them, at once); whatever is left gets another flush scheduled.
   */
  flush(budgetMs = Number.POSITIVE_INFINITY, holdMs = 0): void {
    this.scheduled = false;
    const started = performance.now();
    const deadline = started + budgetMs;
    const dueBy = started - holdMs;
    const cache = new BatchFrameCache();
    const dirty = this.dirty;
    const since = this.dirtySince;
    let head = this.dirtyHead;
    while (head < dirty.length && since[head]! <= dueBy) {
      const connection = dirty[head++]!;
      connection.dirty = false;
      if (!connection.closed && !connection.paused) this.flushConnection(connection, cache);
      if (head % CLOCK_EVERY === 0 && performance.now() >= deadline) break;
    }
    this.taken += head - this.dirtyHead;
    if (head === dirty.length) {
      this.dirty = [];
      this.dirtySince = [];
      this.dirtyHead = 0;
    } else {
      // Under sustained load the line never empties: drop its done part once it is the larger one.
      if (head > 1024 && head * 2 > dirty.length) {
        this.dirty = dirty.slice(head);
        this.dirtySince = since.slice(head);
        head = 0;
      }
      this.dirtyHead = head;
    }
    this.reportWritten();
    const ended = performance.now();
    if (this.adaptive) this.tuneHold(ended - started, ended);
    if (this.dirtyHead < this.dirty.length) this.scheduleFlush(ended);
  }

  /** The current hold, in ms (0 unless writing has been taking more than BUSY_HIGH of the time). */
  get holdMs(): number {
    return this.hold;
  }

  /** Stops the lagging-connection timer; the hub is unusable afterwards. */
  close(): void {
    clearInterval(this.lagTimer);
    this.lagTimer = undefined;
    for (const connection of [...this.connections]) this.remove(connection);
  }

  private offer(connection: Connection, event: LiveEvent, topic: string): boolean {
    const seq = event.seq;
    // Already queued through another of its topics, or a seq this connection has gone past.
    if (seq <= connection.lastSeq) return false;
    // Subscribed with a `since` ahead of this event: the client already has it.
    if (seq <= connection.maxFrom && seq <= (connection.topics.get(topic) ?? 0)) return false;
    connection.lastSeq = seq;
    if (connection.latest !== null) {
      connection.keepLatest(connection.latest, event);
      connection.latestOffered++;
      return false;
    }
    connection.queue.push(event);
    connection.queuedBytes += event.size;
    // Unpaused, the queue empties at its turn in line, whatever a burst holds; paused (a replay), it must not pile up.
    if (connection.paused && connection.queuedBytes > this.cap) connection.overflowed = true;
    this.markDirty(connection);
    return true;
  }

  private markDirty(connection: Connection): void {
    if (connection.dirty) return;
    connection.dirty = true;
    const now = performance.now();
    this.dirty.push(connection);
    this.dirtySince.push(now);
    this.lined++;
    this.scheduleFlush(now);
  }

  /** Schedules a flush for when the first connection in line is due. */
  private scheduleFlush(now: number): void {
    if (this.scheduled) return;
    this.scheduled = true;
    const due = this.adaptive ? this.dirtySince[this.dirtyHead]! + this.hold - now : 0;
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

  private flushConnection(connection: Connection, cache: BatchFrameCache): void {
    if (connection.overflowed) return this.fallBehind(connection);
    const events = connection.queue;
    if (events.length === 0) return;
    const { transport } = connection;
    // Still holding more than the cap from earlier turns: this client does not keep up.
    if (transport.bufferedAmount > this.cap) return this.fallBehind(connection);
    const frame = cache.frame(transport.format, events);
    connection.queue = [];
    connection.queuedBytes = 0;
    transport.send(frame);
    this.stats.delivered += events.length;
    if (events.length === 1) this.stats.eventFrames++;
    else this.stats.batchFrames++;
  }

  /** A connection whose unsent bytes would pass the cap: close it, or keep only the newest per topic. */
  private fallBehind(connection: Connection): void {
    if (this.options.slowConsumerPolicy === 'close') {
      this.stats.slowConsumerKicks++;
      this.remove(connection);
      connection.transport.kick(CLOSE_CODES.SLOW_CONSUMER, 'slow consumer');
      return;
    }
    const latest = new Map<string, LiveEvent>();
    for (const event of connection.queue) connection.keepLatest(latest, event);
    this.stats.laggingEntered++;
    connection.latest = latest;
    connection.latestOffered = connection.queue.length;
    connection.queue = [];
    connection.queuedBytes = 0;
    connection.overflowed = false;
    this.lagging.add(connection);
    this.lagTimer ??= setInterval(() => this.checkLagging(), this.options.lagCheckIntervalMs ?? 100);
  }

  /** Lagging connections whose socket has drained below half the cap get their newest events, in seq order. */
  private checkLagging(): void {
    for (const connection of this.lagging) {
      const latest = connection.latest;
      if (connection.paused || latest === null) continue;
      if (connection.transport.bufferedAmount > this.cap / 2) continue;
      this.lagging.delete(connection);
      connection.latest = null;
      const events = [...new Set(latest.values())].sort((a, b) => a.seq - b.seq);
      this.stats.coalesced += connection.latestOffered - events.length;
      if (events.length === 0) continue;
      connection.transport.send(buildFrame(connection.transport.format, events));
      this.stats.delivered += events.length;
      if (events.length === 1) this.stats.eventFrames++;
      else this.stats.batchFrames++;
    }
    if (this.lagging.size === 0) {
      clearInterval(this.lagTimer);
      this.lagTimer = undefined;
    }
  }
}
