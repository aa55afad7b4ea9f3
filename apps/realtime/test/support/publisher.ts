import type { LivecartEvent, PublishedEvent } from '@livecart/schemas';
import { EPOCH_FIELDS, EVENT_FIELD, eventKeys, serializeEpochNotice, serializeEvent, streamEntryId, type EpochRecord } from '@livecart/schemas/transport';
import { Redis } from 'ioredis';
import { productUpdated } from './events.js';

export interface PublishOptions {
  /** Write to the stream only, as if the PUBLISH was lost while the subscriber was away. */
  skipPublish?: boolean;
}

/**
 * Stands in for the API's outbox relay, doing what it does per event with the transport contract of
 * @livecart/schemas: XADD to the capped stream, then PUBLISH the same bytes on the channel.
 */
export class TestPublisher {
  readonly redis: Redis;
  private seq = 0;
  readonly key: string;
  private readonly epochKey: string;
  private readonly channel: string;

  private readonly maxLen: number;

  constructor(redisUrl: string, prefix: string, options: { maxLen?: number; lastSeq?: number } = {}) {
    this.redis = new Redis(redisUrl, { maxRetriesPerRequest: 2 });
    const keys = eventKeys({ prefix });
    this.key = keys.stream;
    this.epochKey = keys.epoch;
    this.channel = keys.channel;
    this.maxLen = options.maxLen ?? 10_000;
    this.seq = options.lastSeq ?? 0;
  }

  get lastSeq(): number {
    return this.seq;
  }

  /** The next seq's event, built by `make` (a product.updated by default), written and published. */
  async publish<E extends PublishedEvent = LivecartEvent>(
    make: (seq: number) => E = (seq) => productUpdated(seq) as E,
    options: PublishOptions = {},
  ): Promise<E> {
    const event = make(++this.seq);
    await this.write(event, options);
    return event;
  }

  async publishMany(count: number, make?: (seq: number) => LivecartEvent, options?: PublishOptions): Promise<LivecartEvent[]> {
    const events: LivecartEvent[] = [];
    for (let i = 0; i < count; i++) events.push(await this.publish(make, options));
    return events;
  }

  /** Writes and publishes `count` events in one pipeline, so they reach subscribers in one burst. */
  async publishBurst<E extends PublishedEvent = LivecartEvent>(count: number, make: (seq: number) => E = (seq) => productUpdated(seq) as E): Promise<E[]> {
    const events = Array.from({ length: count }, () => make(++this.seq));
    const pipeline = this.redis.pipeline();
    for (const event of events) {
      const json = serializeEvent(event);
      pipeline.xadd(this.key, 'MAXLEN', '~', this.maxLen, streamEntryId(event), EVENT_FIELD, json).publish(this.channel, json);
    }
    await pipeline.exec();
    return events;
  }

  /** Writes an event as given (a retry re-publishing an old seq, say). */
  async write(event: PublishedEvent, options: PublishOptions = {}): Promise<void> {
    const json = serializeEvent(event);
    // XADD rejects an id not above the stream's last one: a retry of a stored seq only re-publishes.
    await this.redis.xadd(this.key, 'MAXLEN', '~', this.maxLen, streamEntryId(event), EVENT_FIELD, json).catch((error: Error) => {
      if (!/equal or smaller/.test(error.message)) throw error;
    });
    if (!options.skipPublish) await this.redis.publish(this.channel, json);
  }

  /** Re-PUBLISHes an event without touching the stream (at-least-once delivery). */
  async republish(event: LivecartEvent): Promise<void> {
    await this.redis.publish(this.channel, serializeEvent(event));
  }

  /**
   * Begins another history as the relay does: the stream is replaced by an empty one under the new epoch
   * record, in one step, the epoch announced on the channel; seqs go on after `record.base`.
   */
  async beginEpoch(record: EpochRecord): Promise<void> {
    await this.redis
      .multi()
      .del(this.key, this.epochKey)
      .hset(this.epochKey, EPOCH_FIELDS.id, record.id, EPOCH_FIELDS.base, String(record.base))
      .publish(this.channel, serializeEpochNotice(record))
      .exec();
    this.seq = record.base;
  }

  /** Drops every stream entry up to and including `seq`, as MAXLEN trimming would. */
  async trimThrough(seq: number): Promise<void> {
    await this.redis.xtrim(this.key, 'MINID', streamEntryId({ seq: seq + 1 }));
  }

  async close(): Promise<void> {
    await this.redis.quit();
  }
}
