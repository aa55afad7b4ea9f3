import type { Topic } from '@livecart/schemas/topics';

/** The protocol caps one subscribe/unsubscribe message at 200 topics. */
const MAX_TOPICS_PER_MESSAGE = 200;

export interface SubscribePlan {
  subscribe: Array<{ topics: Topic[]; since: number | null }>;
  unsubscribe: Topic[][];
}

/**
 * Which topics the tab wants (ref-counted across components), how far each has been applied
 * (its resume point, `since`), and what the current connection has been told.
 */
export class TopicInterest {
  private readonly counts = new Map<Topic, number>();
  private readonly cursors = new Map<Topic, number | null>();
  private readonly sent = new Set<Topic>();

  /** `since` is the seq of the data the caller rendered; it is kept only if the topic is new. */
  acquire(topic: Topic, since: number | null): void {
    this.counts.set(topic, (this.counts.get(topic) ?? 0) + 1);
    if (!this.cursors.has(topic)) this.cursors.set(topic, since);
  }

  release(topic: Topic): void {
    const count = (this.counts.get(topic) ?? 0) - 1;
    if (count > 0) this.counts.set(topic, count);
    else this.counts.delete(topic);
  }

  get size(): number {
    return this.counts.size;
  }

  /** Every topic someone holds. */
  topics(): Topic[] {
    return [...this.counts.keys()];
  }

  /** The resume point of `topic` (undefined once nobody wants it). */
  cursor(topic: Topic): number | null | undefined {
    return this.cursors.get(topic);
  }

  /** Everything up to `seq` has been applied for `topic`. */
  advance(topic: Topic, seq: number): void {
    if (!this.cursors.has(topic)) return;
    const current = this.cursors.get(topic);
    if (current == null || seq > current) this.cursors.set(topic, seq);
  }

  /** Another event history begins after `seq`: the resume points of `topics` move there, back or forth. */
  restart(topics: readonly Topic[], seq: number): void {
    for (const topic of topics) if (this.cursors.has(topic)) this.cursors.set(topic, seq);
  }

  /** The connection does not follow `topics` (a refused or ended subscription): the next plan asks again. */
  unsent(topics: readonly Topic[]): void {
    for (const topic of topics) this.sent.delete(topic);
  }

  /** A new connection knows nothing of earlier subscriptions. */
  connectionLost(): void {
    this.sent.clear();
  }

  /**
   * The messages that bring the connection in line with what is wanted, grouped by resume point.
   * Computed at flush time, so a release and re-acquire within one tick (a re-mount) sends nothing.
   */
  plan(): SubscribePlan {
    const bySince = new Map<number | null, Topic[]>();
    for (const topic of this.counts.keys()) {
      if (this.sent.has(topic)) continue;
      const since = this.cursors.get(topic) ?? null;
      bySince.set(since, [...(bySince.get(since) ?? []), topic]);
      this.sent.add(topic);
    }
    const dropped: Topic[] = [];
    for (const topic of this.sent) {
      if (this.counts.has(topic)) continue;
      dropped.push(topic);
      this.sent.delete(topic);
    }
    for (const topic of this.cursors.keys()) {
      if (!this.counts.has(topic)) this.cursors.delete(topic);
    }
    const subscribe = [...bySince].flatMap(([since, topics]) => chunk(topics).map((part) => ({ topics: part, since })));
    return { subscribe, unsubscribe: chunk(dropped) };
  }
}

function chunk<T>(items: T[]): T[][] {
  const parts: T[][] = [];
  for (let i = 0; i < items.length; i += MAX_TOPICS_PER_MESSAGE) parts.push(items.slice(i, i + MAX_TOPICS_PER_MESSAGE));
  return parts;
}
