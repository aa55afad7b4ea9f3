import { eventJsonOfEntry, parseEpochRecord, streamEntryId, streamPositionOf, type EpochRecord } from '@livecart/schemas/transport';
import type { Redis } from 'ioredis';
import type { LiveEvent } from './live-event.js';
import { parseEvent } from './parse-event.js';

/** Up to `count` retained entries of a range, as events, and where to read on from if there may be more. */
export interface StreamPage {
  events: LiveEvent[];
  /** The seq to continue from, or null when the range is exhausted. */
  next: number | null;
}

/** Read access to the retained event history; gap filling and replay need nothing else. */
export interface EventStream {
  /** Entries with `from <= seq <= to`, ascending, at most `count` of them. */
  range(from: number, to: number, count: number): Promise<StreamPage>;
  /** The oldest retained seq, or null when the stream is empty. */
  firstSeq(): Promise<number | null>;
  /** The newest seq, or null when the stream is empty. */
  lastSeq(): Promise<number | null>;
  /** The stream's epoch record, or undefined when it has none (written before epochs existed). */
  epoch(): Promise<EpochRecord | undefined>;
}

type StreamEntry = [id: string, fields: string[]];

/** The capped Redis Stream the outbox relay XADDs to, read with XRANGE / XREVRANGE. */
export class RedisEventStream implements EventStream {
  constructor(
    private readonly redis: Redis,
    private readonly key: string,
    private readonly epochKey: string,
    /** A retained entry that is not a routable event: it is skipped, and reported here. */
    private readonly onBadEntry: (id: string, error: unknown) => void,
  ) {}

  async range(from: number, to: number, count: number): Promise<StreamPage> {
    const entries = (await this.redis.xrange(this.key, streamEntryId({ seq: from }), streamEntryId({ seq: to }), 'COUNT', count)) as StreamEntry[];
    const events: LiveEvent[] = [];
    for (const [id, fields] of entries) {
      try {
        events.push(parseEvent(eventJsonOfEntry(fields) ?? ''));
      } catch (error) {
        this.onBadEntry(id, error);
      }
    }
    const last = entries.at(-1);
    const next = entries.length === count && last !== undefined ? streamPositionOf(last[0]).seq + 1 : null;
    return { events, next: next !== null && next <= to ? next : null };
  }

  async firstSeq(): Promise<number | null> {
    const [entry] = (await this.redis.xrange(this.key, '-', '+', 'COUNT', 1)) as StreamEntry[];
    return entry === undefined ? null : streamPositionOf(entry[0]).seq;
  }

  async lastSeq(): Promise<number | null> {
    const [entry] = (await this.redis.xrevrange(this.key, '+', '-', 'COUNT', 1)) as StreamEntry[];
    return entry === undefined ? null : streamPositionOf(entry[0]).seq;
  }

  async epoch(): Promise<EpochRecord | undefined> {
    return parseEpochRecord(await this.redis.hgetall(this.epochKey));
  }
}
