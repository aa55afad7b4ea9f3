import { setTimeout as delay } from 'node:timers/promises';
import { parseEpochNotice, type EpochRecord } from '@livecart/schemas/transport';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { EventStream } from './event-stream.js';
import type { LiveEvent } from './live-event.js';
import { parseEvent } from './parse-event.js';
import type { Sequencer } from './sequencer.js';

export interface EventSourceOptions {
  /** A connection of its own: in subscriber mode it can run no other command. Created with autoResubscribe off. */
  subscriber: Redis;
  stream: EventStream;
  channel: string;
  sequencer: Sequencer;
  logger: Logger;
  /**
   * The stream is in another epoch than the one delivered so far: the sequencer has restarted after
   * `record.base`; whoever holds positions of the old history must drop them (clients get `reset`).
   */
  onEpochChange: (record: EpochRecord, previous: string | undefined) => void;
  /** The epoch delivered from now on, when first known: no position changed, nobody needs a reset. */
  onEpochKnown: (epoch: string) => void;
}

export interface EventSourceStats {
  /** Messages received from pub/sub, duplicates included. */
  received: number;
  invalid: number;
  /** Times the stream was found in another epoch than the one delivered so far. */
  epochChanges: number;
}

/**
 * The instance's one Redis subscription. On every (re)connection it subscribes, then reads the stream's
 * newest seq and has the sequencer fetch whatever was published while it was away, so a Redis restart or
 * a network blip loses nothing.
 */
export class RedisEventSource {
  readonly stats: EventSourceStats = { received: 0, invalid: 0, epochChanges: 0 };
  private subscribed = false;
  /** The epoch delivered so far; undefined until known (or while the stream has no epoch record). */
  private epoch: string | undefined;
  /** Live events held while the epoch record is read again, after one of another epoch arrived. */
  private held: LiveEvent[] | undefined;
  private stopped = false;
  /** Bumped on every connection change, so a stale (re)subscribe attempt gives up. */
  private generation = 0;
  private resolveFirstReady!: () => void;
  private readonly firstReady = new Promise<void>((resolve) => {
    this.resolveFirstReady = resolve;
  });

  constructor(private readonly options: EventSourceOptions) {
    const { subscriber, channel, logger } = options;
    subscriber.on('message', (from: string, message: string) => {
      if (from !== channel) return;
      this.stats.received++;
      try {
        const notice = parseEpochNotice(message);
        if (notice === undefined) this.receive(parseEvent(message));
        else this.announced(notice);
      } catch (error) {
        this.stats.invalid++;
        logger.warn({ err: error, channel }, 'dropped a published message that is not a routable event');
      }
    });
    subscriber.on('ready', () => void this.subscribe());
    subscriber.on('close', () => {
      this.generation++;
      if (this.subscribed) logger.warn({ channel }, 'event subscription lost; will catch up from the stream on reconnect');
      this.subscribed = false;
    });
  }

  /** The epoch delivered so far. */
  get currentEpoch(): string | undefined {
    return this.epoch;
  }

  private receive(event: LiveEvent): void {
    if (this.held !== undefined) {
      this.held.push(event);
      return;
    }
    const { sequencer } = this.options;
    if (event.epoch !== undefined && event.epoch !== this.epoch && sequencer.isStarted) {
      // A stream without a record (fresh, or written before epochs) taken on by the relay: the history
      // goes on forward. A new history under such a stream starts below what was delivered.
      if (this.epoch === undefined && event.seq > sequencer.lastSeq) {
        this.adopt(event.epoch);
        sequencer.push(event);
        return;
      }
      this.held = [event];
      void this.followEpoch();
      return;
    }
    this.options.sequencer.push(event);
  }

  /**
   * The relay began an epoch (it replaced the stream and its record first): follow it now, before its
   * first event, so clients reset at once even when nothing is published for a while.
   */
  private announced(record: EpochRecord): void {
    if (record.id === this.epoch || !this.options.sequencer.isStarted || this.held !== undefined) return;
    this.held = [];
    void this.followEpoch();
  }

  /**
   * An event of another epoch arrived: the relay wrote the stream's new record before publishing it, so
   * the record says where that epoch's history starts. Events held meanwhile follow, those of the epoch
   * now delivered; an event of yet another epoch is dropped (the stream, read again on a gap, has it).
   */
  private async followEpoch(): Promise<void> {
    const { stream, logger } = this.options;
    for (let attempt = 0; !this.stopped; attempt++) {
      try {
        const [record, tail] = await Promise.all([stream.epoch(), stream.lastSeq()]);
        if (record !== undefined && record.id !== this.epoch) this.switchEpoch(record, tail ?? record.base);
        break;
      } catch (error) {
        logger.warn({ err: error, attempt }, 'reading the event stream\'s epoch failed; retrying');
        await delay(Math.min(100 * 2 ** attempt, 2000), undefined, { ref: false });
      }
    }
    const held = this.held ?? [];
    this.held = undefined;
    for (const event of held) {
      if (event.epoch === undefined || event.epoch === this.epoch) this.options.sequencer.push(event);
    }
  }

  private adopt(epoch: string): void {
    this.epoch = epoch;
    this.options.onEpochKnown(epoch);
  }

  private switchEpoch(record: EpochRecord, tail: number): void {
    const previous = this.epoch;
    this.epoch = record.id;
    this.options.logger.warn({ from: previous, to: record.id, base: record.base }, 'the event history started a new epoch');
    this.stats.epochChanges++;
    this.options.sequencer.restart(record.base);
    this.options.onEpochChange(record, previous);
    this.options.sequencer.catchUp(tail);
  }

  /** Subscribed, and the sequencer knows where the feed stands. */
  get ready(): boolean {
    return this.subscribed && this.options.sequencer.isStarted;
  }

  /** Resolves the first time the source becomes ready. */
  whenReady(): Promise<void> {
    return this.firstReady;
  }

  stop(): void {
    this.stopped = true;
    this.generation++;
    this.subscribed = false;
    this.options.sequencer.stop();
  }

  private async subscribe(): Promise<void> {
    const { subscriber, stream, channel, sequencer, logger } = this.options;
    const generation = ++this.generation;
    for (let attempt = 0; ; attempt++) {
      try {
        await subscriber.subscribe(channel);
        // Subscribed first, then the tail: whatever lands in between arrives live and is de-duplicated.
        const [lastSeq, record] = await Promise.all([stream.lastSeq(), stream.epoch()]);
        const tail = lastSeq ?? 0;
        if (generation !== this.generation || this.stopped) return;
        if (!sequencer.isStarted) {
          if (record !== undefined) this.adopt(record.id);
          sequencer.start(tail);
        } else if (record !== undefined && record.id !== this.epoch) {
          this.switchEpoch(record, tail);
        } else sequencer.catchUp(tail);
        this.subscribed = true;
        logger.info({ channel, seq: Math.max(tail, sequencer.lastSeq) }, 'subscribed to events');
        this.resolveFirstReady();
        return;
      } catch (error) {
        if (generation !== this.generation || this.stopped) return;
        logger.warn({ err: error, channel, attempt }, 'subscribing to events failed; retrying');
        await delay(Math.min(100 * 2 ** attempt, 2000), undefined, { ref: false });
      }
    }
  }
}
