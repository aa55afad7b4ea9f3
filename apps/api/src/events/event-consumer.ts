import { eventJsonOfEntry, eventKeys, parseEpochNotice, parseEpochRecord, parseEventHead, streamEntryId, streamPositionOf, type EpochRecord, type EventHead } from '@livecart/schemas/transport';
import type { Redis } from 'ioredis';
import type { Log } from '../log.js';

export interface InvalidationTarget {
  /** An event of the current epoch, applied in seq order: its subject's cached state is stale. */
  apply(head: EventHead): void;
  clear(): void;
  setL1Enabled(enabled: boolean): void;
}

export interface EventConsumerOptions {
  /** A connection of its own (created with autoResubscribe off): this class re-subscribes itself. */
  subscriber: Redis;
  /** Any command connection, for reading the stream. */
  reader: Redis;
  prefix: string;
  cache: InvalidationTarget;
  log: Log;
}

/**
 * Keeps this instance's L1 coherent with every other instance: each event drops the L1 entry of its
 * product, then advances `appliedSeq`. Reads put `appliedSeq` in X-Event-Seq, read before their data,
 * so the header never claims more than the data reflects.
 *
 * While the subscription is down, L1 is switched off (and emptied), since invalidations would be
 * missed; on reconnect it starts empty at the stream's head. A gap in live seqs is filled from the
 * stream, or, when the stream no longer holds it, L1 is emptied.
 *
 * Seqs compare only within one epoch: an event or a stream of another epoch than `epoch` (a history that
 * went back, see the transport contract) empties L1 and `appliedSeq` starts over in that epoch.
 */
export class EventConsumer {
  appliedSeq = 0;
  /** The epoch `appliedSeq` belongs to; undefined until known (or while the stream has no epoch record). */
  epoch: string | undefined;
  private chain: Promise<void> = Promise.resolve();
  private readonly stream: string;
  private readonly channel: string;
  private readonly epochKey: string;
  private connected = false;
  private readonly publishedListeners: ((seq: number) => void)[] = [];
  private firstSync: Promise<void>;
  private resolveFirstSync!: () => void;

  constructor(private readonly options: EventConsumerOptions) {
    const keys = eventKeys({ prefix: options.prefix });
    this.stream = keys.stream;
    this.channel = keys.channel;
    this.epochKey = keys.epoch;
    this.firstSync = new Promise((resolve) => (this.resolveFirstSync = resolve));
  }

  get isConnected(): boolean {
    return this.connected;
  }

  /** Subscribes; resolves once in sync, or after `waitMs` with L1 off if Redis does not answer (reads still work). */
  async start(waitMs: number): Promise<void> {
    const { subscriber, cache } = this.options;
    cache.setL1Enabled(false);
    subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.channel) this.enqueue(() => this.onMessage(message));
    });
    subscriber.on('ready', () => this.enqueue(() => this.onConnect()));
    subscriber.on('close', () => this.onDisconnect());
    if (subscriber.status === 'ready') this.enqueue(() => this.onConnect());
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.firstSync, new Promise<void>((resolve) => (timer = setTimeout(resolve, waitMs)))]);
    clearTimeout(timer);
  }

  /**
   * Calls `listener` with the seq of each event heard on the events channel, in arrival order, before it
   * is applied: a hint that a relay published it (the webhook worker's wake-up). The relay marks its rows
   * published in Postgres only after this, so a reader may not see it there yet. Cheap listeners only.
   */
  onPublished(listener: (seq: number) => void): void {
    this.publishedListeners.push(listener);
  }

  /** Resolves when every event received so far has been applied (tests use it). */
  settled(): Promise<void> {
    return this.chain;
  }

  private enqueue(step: () => Promise<void>): void {
    this.chain = this.chain.then(step).catch((error: unknown) => {
      this.options.log.error({ err: error }, 'event consumer step failed; emptying L1');
      this.options.cache.clear();
    });
  }

  /**
   * Reads the stream's head, then subscribes, both on the subscriber connection (so neither depends on
   * another connection being up). L1 is empty here (emptied when the connection dropped), so the head
   * is a safe starting seq; an event that lands between the two steps shows up as a gap later.
   */
  private async onConnect(): Promise<void> {
    try {
      const { subscriber } = this.options;
      const [head, record] = await Promise.all([
        subscriber.xrevrange(this.stream, '+', '-', 'COUNT', 1),
        subscriber.hgetall(this.epochKey).then(parseEpochRecord),
      ]);
      await subscriber.subscribe(this.channel);
      // The connection may have dropped again while we waited; the next 'ready' starts over.
      if (subscriber.status !== 'ready') return;
      const top = head[0] === undefined ? 0 : streamPositionOf(head[0][0]).seq;
      if (record !== undefined && record.id !== this.epoch) this.beginEpoch(record.id, Math.max(top, record.base));
      else this.appliedSeq = Math.max(this.appliedSeq, top);
      this.connected = true;
      this.options.cache.setL1Enabled(true);
      this.resolveFirstSync();
    } catch (error) {
      this.options.log.warn({ err: error }, 'event stream not readable yet; L1 stays off until the next reconnect');
    }
  }

  private onDisconnect(): void {
    if (this.connected) this.options.log.warn('event subscription lost; L1 off until it is back');
    this.connected = false;
    this.options.cache.setL1Enabled(false);
  }

  private async onMessage(message: string): Promise<void> {
    const notice = this.parseNotice(message);
    if (notice !== undefined) {
      // Announced before any of its events: nothing applied so far can be checked against the new history.
      if (notice.id !== this.epoch) this.beginEpoch(notice.id, notice.base);
      return;
    }
    const head = this.parse(message);
    if (head === undefined) return;
    for (const listener of this.publishedListeners) listener(head.seq);
    if (head.epoch !== undefined && head.epoch !== this.epoch) {
      // A stream without a record (fresh, or written before epochs) taken on by the relay goes on forward;
      // a new history under such a stream starts below what was applied.
      if (this.epoch === undefined && head.seq > this.appliedSeq) this.epoch = head.epoch;
      else {
        this.beginEpoch(head.epoch, head.seq);
        return;
      }
    }
    if (head.seq <= this.appliedSeq) return;
    if (head.seq > this.appliedSeq + 1) await this.fillGap(head.seq);
    this.options.cache.apply(head);
    this.appliedSeq = head.seq;
  }

  /** Another history: nothing in L1 can be checked against it, so L1 starts empty at `seq` of `epoch`. */
  private beginEpoch(epoch: string, seq: number): void {
    if (this.epoch !== undefined) this.options.log.warn({ from: this.epoch, to: epoch, seq }, 'event epoch changed; emptying L1');
    this.options.cache.clear();
    this.epoch = epoch;
    this.appliedSeq = seq;
  }

  private parseNotice(message: string): EpochRecord | undefined {
    try {
      return parseEpochNotice(message);
    } catch (error) {
      this.options.log.error({ err: error, message: message.slice(0, 200) }, 'malformed epoch notice; emptying L1');
      this.options.cache.clear();
      return undefined;
    }
  }

  private parse(message: string): EventHead | undefined {
    try {
      return parseEventHead(message);
    } catch (error) {
      this.options.log.error({ err: error, message: message.slice(0, 200) }, 'malformed event ignored');
      return undefined;
    }
  }

  /** Applies the events between appliedSeq and `nextSeq` (exclusive) from the stream, or empties L1. */
  private async fillGap(nextSeq: number): Promise<void> {
    const from = this.appliedSeq + 1;
    let entries: [string, string[]][] = [];
    try {
      entries = await this.options.reader.xrange(this.stream, streamEntryId({ seq: from }), streamEntryId({ seq: nextSeq - 1 }));
    } catch (error) {
      this.options.log.warn({ err: error }, 'could not read missed events; emptying L1');
    }
    const complete = entries.length === nextSeq - from && entries[0] !== undefined && streamPositionOf(entries[0][0]).seq === from;
    if (!complete) {
      this.options.cache.clear();
      return;
    }
    for (const [, fields] of entries) {
      const head = this.parse(eventJsonOfEntry(fields) ?? '');
      // Which product a malformed entry changed is unknown: only an empty L1 is sure to be coherent.
      if (head === undefined) this.options.cache.clear();
      else this.options.cache.apply(head);
    }
  }
}
