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
   * behind; so its backlog stays under this plus one turn's worth of events.
   */
  sendBufferMaxBytes: number;
  slowConsumerPolicy: SlowConsumerPolicy;
  /** Called after each flush with the events it sent for the first time. */
  onFlushed?: (events: readonly LiveEvent[], nowMs: number) => void;
  /** How often a lagging connection (policy `latest`) is checked for a drained socket. */
  lagCheckIntervalMs?: number;
  /**
   * Under load, wait as long as the previous flush took before the next one (at most
   * MAX_FLUSH_SPACING_MS), so ingest gets as much time as writing and each write carries more events;
   * when idle, flushes still come once per event-loop turn.
   */
  adaptiveFlush?: boolean;
  /** Runs `flush` after `delayMs` (0: next event-loop turn); tests replace it to flush by hand. */
  schedule?: (flush: () => void, delayMs: number) => void;
}

/** Below this, a flush is cheap and the next one is not delayed. */
const MIN_FLUSH_SPACING_MS = 1;
const MAX_FLUSH_SPACING_MS = 100;

function scheduleFlush(flush: () => void, delayMs: number): void {
  if (delayMs < MIN_FLUSH_SPACING_MS) setImmediate(flush);
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
 * Live fan-out. Each event is routed through the topic index to its subscribers' queues; once per
 * event-loop turn every touched connection gets what it queued as ONE frame (an `event`, or a `batch` of
 * several), built from bytes encoded once per event. Writes, not bytes, are what cost here.
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
  private dirty: Connection[] = [];
  private tickEvents: LiveEvent[] = [];
  private scheduled = false;
  private readonly lagging = new Set<Connection>();
  private lagTimer: NodeJS.Timeout | undefined;
  private readonly cap: number;
  private readonly schedule: (flush: () => void, delayMs: number) => void;
  private readonly flushBound = () => this.flush();
  /** How long the last flush took, in ms: the spacing before the next one under adaptive flushing. */
  private lastFlushMs = 0;

  constructor(private readonly options: HubOptions) {
    this.cap = options.sendBufferMaxBytes;
    this.schedule = options.schedule ?? scheduleFlush;
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
    this.tickEvents.push(event);
    this.scheduleFlush();
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

  /** Writes every queued event; run by the scheduler. */
  flush(): void {
    const started = performance.now();
    this.scheduled = false;
    const dirty = this.dirty;
    this.dirty = [];
    const cache = new BatchFrameCache();
    for (const connection of dirty) {
      connection.dirty = false;
      if (!connection.closed && !connection.paused) this.flushConnection(connection, cache);
    }
    const events = this.tickEvents;
    this.tickEvents = [];
    if (events.length > 0) this.options.onFlushed?.(events, Date.now());
    this.lastFlushMs = performance.now() - started;
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
    // Unpaused, the queue empties every turn, whatever a burst holds; paused (a replay), it must not pile up.
    if (connection.paused && connection.queuedBytes > this.cap) connection.overflowed = true;
    this.markDirty(connection);
    return true;
  }

  private markDirty(connection: Connection): void {
    if (connection.dirty) return;
    connection.dirty = true;
    this.dirty.push(connection);
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    const spacing = this.options.adaptiveFlush === false ? 0 : Math.min(this.lastFlushMs, MAX_FLUSH_SPACING_MS);
    this.schedule(this.flushBound, spacing);
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
