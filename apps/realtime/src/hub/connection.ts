import type { LiveEvent } from '../events/live-event.js';
import type { Transport } from './transport.js';

/** One client's subscriptions and outgoing queue, as the hub sees it. */
export class Connection {
  /** topic → the seq after which this connection gets that topic's events. */
  readonly topics = new Map<string, number>();
  /** An upper bound of the values in `topics`: events above it skip the per-topic check. */
  maxFrom = 0;
  /** The newest seq queued here; every seq is queued at most once, and in order. */
  lastSeq = 0;
  queue: LiveEvent[] = [];
  queuedBytes = 0;
  /** True while a replay is being written: live events wait in `queue` behind it. */
  paused = false;
  /** Set when the queue passed the cap; handled at the next flush. */
  overflowed = false;
  /** Under the `latest` slow-consumer policy: the newest event per topic while the socket drains. */
  latest: Map<string, LiveEvent> | null = null;
  /** Events routed here since `latest` was set, to count how many it made the client skip. */
  latestOffered = 0;
  /** Already in the hub's list of connections to flush this tick. */
  dirty = false;
  closed = false;

  constructor(readonly transport: Transport) {}

  /** Sets the seq after which `topic` is delivered here. */
  follow(topic: string, from: number): void {
    this.topics.set(topic, from);
    if (from > this.maxFrom) this.maxFrom = from;
  }

  /** Remembers `event` as the newest of each of its topics this connection follows. */
  keepLatest(latest: Map<string, LiveEvent>, event: LiveEvent): void {
    for (const topic of event.topics) {
      if (this.topics.has(topic)) latest.set(topic, event);
    }
  }
}
