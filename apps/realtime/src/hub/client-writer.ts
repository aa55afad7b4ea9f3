import { CLOSE_CODES } from '@livecart/schemas';
import type { SlowConsumerPolicy } from '../env.js';
import type { LiveEvent } from '../events/live-event.js';
import type { OutgoingFrame } from '../protocol/frames.js';
import { buildFrame, type BatchFrameCache } from './build-frame.js';
import type { Connection } from './connection.js';
import type { HubStats } from './hub-stats.js';

/** What every writer of one hub shares: the cap, the slow-consumer policy, the counters, and whom to tell. */
export interface WriterRules {
  /**
   * A connection whose socket still holds more unsent bytes than this when new events are due has fallen
   * behind; so its backlog stays under this plus one write's worth of events.
   */
  readonly sendBufferMaxBytes: number;
  readonly slowConsumerPolicy: SlowConsumerPolicy;
  readonly stats: HubStats;
  /** Policy `close`: the writer is closing its client as too slow; it must be forgotten everywhere. */
  readonly onKicked: (connection: Connection) => void;
  /** Policy `latest`: the writer fell behind; call `writeLatest` now and then until it returns true. */
  readonly onLagging: (writer: ClientWriter) => void;
}

/**
 * The events of a write for a `latest` connection: each dropped when a later one of the same subject carries
 * every topic of it that the connection follows (so no follower of a topic loses that subject's newest
 * state), the rest kept in seq order. Linear: one pass from the newest, remembering each subject's topics.
 */
export function newestStates(events: readonly LiveEvent[], followed: ReadonlyMap<string, number>): readonly LiveEvent[] {
  const later = new Map<string, readonly string[]>();
  const kept: LiveEvent[] = [];
  let dropped = false;
  for (let i = events.length - 1; i >= 0; i--) {
    const event = events[i]!;
    const subject = event.subjectId;
    if (subject === undefined) {
      kept.push(event);
      continue;
    }
    const newer = later.get(subject);
    if (newer !== undefined && event.topics.every((topic) => !followed.has(topic) || newer.includes(topic))) {
      dropped = true;
      continue;
    }
    kept.push(event);
    later.set(subject, newer === undefined ? event.topics : [...new Set([...newer, ...event.topics])]);
  }
  return dropped ? kept.reverse() : events;
}

/**
 * One client's outgoing queue: the events routed to it and not yet written, written at its turn as ONE
 * frame (an `event`, or a `batch` of several), built from bytes encoded once per event. It holds events
 * while a replay is written (paused), and applies the slow-consumer policy when the socket does not
 * drain: close the client, or keep only the newest event per topic until the socket has drained.
 */
export class ClientWriter {
  private queue: LiveEvent[] = [];
  private bytes = 0;
  /** True while a replay is being written: live events wait in the queue behind it. */
  private paused = false;
  /** Set when the queue passed the cap while paused; handled at the next write. */
  private overflowed = false;
  /** While lagging (policy `latest`): the newest event per followed topic. */
  private latest: Map<string, LiveEvent> | null = null;
  /** Events offered since `latest` was set, to count how many it made the client skip. */
  private latestOffered = 0;
  /** Already waiting in the hub's write line. */
  private lined = false;
  private isClosed = false;

  constructor(
    private readonly connection: Connection,
    private readonly rules: WriterRules,
  ) {}

  get closed(): boolean {
    return this.isClosed;
  }

  /** Bytes of the events queued and not yet written. */
  get queuedBytes(): number {
    return this.bytes;
  }

  /** Queues `event`; false when it was not queued to be written (lagging: kept as its topics' newest instead). */
  offer(event: LiveEvent): boolean {
    if (this.latest !== null) {
      this.keepLatest(this.latest, event);
      this.latestOffered++;
      return false;
    }
    this.queue.push(event);
    this.bytes += event.size;
    // Unpaused, the queue empties at its turn in line, whatever a burst holds; paused (a replay), it must not pile up.
    if (this.paused && this.bytes > this.rules.sendBufferMaxBytes) this.overflowed = true;
    return true;
  }

  /** Takes a place in the write line; false if it already has one. */
  enterLine(): boolean {
    if (this.lined) return false;
    this.lined = true;
    return true;
  }

  /** Its turn in line: leaves it, and writes what it queued unless closed or paused. */
  takeTurn(cache: BatchFrameCache): void {
    this.lined = false;
    if (!this.isClosed && !this.paused) this.write(cache);
  }

  /** Writes what is already queued, then holds live events until `resume` (a replay goes out meanwhile). */
  pause(cache: BatchFrameCache): void {
    if (this.queue.length > 0 && !this.overflowed) this.write(cache);
    this.paused = true;
  }

  /** Lets live events out again; true when some are waiting and it needs a turn in the write line. */
  resume(): boolean {
    this.paused = false;
    return this.queue.length > 0 || this.overflowed;
  }

  /** The client no longer follows `topic`: a newest event kept for it is dropped. */
  forgetTopic(topic: string): void {
    this.latest?.delete(topic);
  }

  close(): void {
    this.isClosed = true;
    this.queue = [];
    this.bytes = 0;
    this.latest = null;
  }

  /**
   * Lagging: once the socket has drained below half the cap, writes the newest event kept per topic,
   * in seq order, and stops lagging. Returns whether it no longer lags.
   */
  writeLatest(): boolean {
    const latest = this.latest;
    if (latest === null) return true;
    const { transport } = this.connection;
    if (this.paused || transport.bufferedAmount > this.rules.sendBufferMaxBytes / 2) return false;
    this.latest = null;
    const events = [...new Set(latest.values())].sort((a, b) => a.seq - b.seq);
    this.rules.stats.coalesced += this.latestOffered - events.length;
    if (events.length > 0) this.send(buildFrame(transport.format, events), events.length);
    return true;
  }

  private write(cache: BatchFrameCache): void {
    if (this.overflowed) return this.fallBehind();
    const events = this.queue;
    if (events.length === 0) return;
    const { transport } = this.connection;
    // Still holding more than the cap from earlier turns: this client does not keep up.
    if (transport.bufferedAmount > this.rules.sendBufferMaxBytes) return this.fallBehind();
    this.queue = [];
    this.bytes = 0;
    const states = this.connection.delivery === 'latest' && events.length > 1 ? newestStates(events, this.connection.topics) : events;
    this.rules.stats.coalesced += events.length - states.length;
    this.send(cache.frame(transport.format, states), states.length);
  }

  private send(frame: OutgoingFrame, events: number): void {
    this.connection.transport.send(frame);
    const { stats } = this.rules;
    stats.delivered += events;
    if (events === 1) stats.eventFrames++;
    else stats.batchFrames++;
  }

  /** Unsent bytes would pass the cap: close the client, or keep only the newest event per topic. */
  private fallBehind(): void {
    const { rules } = this;
    if (rules.slowConsumerPolicy === 'close') {
      rules.stats.slowConsumerKicks++;
      rules.onKicked(this.connection);
      this.connection.transport.kick(CLOSE_CODES.SLOW_CONSUMER, 'slow consumer');
      return;
    }
    const latest = new Map<string, LiveEvent>();
    for (const event of this.queue) this.keepLatest(latest, event);
    rules.stats.laggingEntered++;
    this.latest = latest;
    this.latestOffered = this.queue.length;
    this.queue = [];
    this.bytes = 0;
    this.overflowed = false;
    rules.onLagging(this);
  }

  /** Remembers `event` as the newest of each of its topics the client follows. */
  private keepLatest(latest: Map<string, LiveEvent>, event: LiveEvent): void {
    const { topics } = this.connection;
    for (const topic of event.topics) {
      if (topics.has(topic)) latest.set(topic, event);
    }
  }
}
