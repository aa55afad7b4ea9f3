import { setTimeout as delay } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { EventStream } from './event-stream.js';
import { parseEvent } from './parse-event.js';
import type { Sequencer } from './sequencer.js';

export interface EventSourceOptions {
  /** A connection of its own: in subscriber mode it can run no other command. Created with autoResubscribe off. */
  subscriber: Redis;
  stream: EventStream;
  channel: string;
  sequencer: Sequencer;
  logger: Logger;
}

export interface EventSourceStats {
  /** Messages received from pub/sub, duplicates included. */
  received: number;
  invalid: number;
}

/**
 * The instance's one Redis subscription. On every (re)connection it subscribes, then reads the stream's
 * newest seq and has the sequencer fetch whatever was published while it was away, so a Redis restart or
 * a network blip loses nothing.
 */
export class RedisEventSource {
  readonly stats: EventSourceStats = { received: 0, invalid: 0 };
  private subscribed = false;
  private stopped = false;
  /** Bumped on every connection change, so a stale (re)subscribe attempt gives up. */
  private generation = 0;
  private resolveFirstReady!: () => void;
  private readonly firstReady = new Promise<void>((resolve) => {
    this.resolveFirstReady = resolve;
  });

  constructor(private readonly options: EventSourceOptions) {
    const { subscriber, channel, sequencer, logger } = options;
    subscriber.on('message', (from: string, message: string) => {
      if (from !== channel) return;
      this.stats.received++;
      try {
        sequencer.push(parseEvent(message));
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
        const tail = (await stream.lastSeq()) ?? 0;
        if (generation !== this.generation || this.stopped) return;
        if (sequencer.isStarted) sequencer.catchUp(tail);
        else sequencer.start(tail);
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
