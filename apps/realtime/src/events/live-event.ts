import { encodeJsonEvent, encodeMsgpackEvent, type EncodedEvent } from '../protocol/frames.js';
import type { Format } from '../protocol/format.js';

/**
 * One event as it travels through this process: parsed once for its routing fields, kept as the raw
 * JSON it arrived as, and encoded at most once per wire format, lazily — MessagePack only when a
 * MessagePack client needs it.
 */
export class LiveEvent {
  private json: EncodedEvent | undefined;
  private msgpack: EncodedEvent | undefined;

  constructor(
    readonly seq: number,
    /** The history `seq` belongs to; undefined on events of producers older than 0.3.0. */
    readonly epoch: string | undefined,
    readonly topics: readonly string[],
    /** Epoch milliseconds of the change, for publish→send lag. */
    readonly occurredAtMs: number,
    /** The event JSON exactly as published. */
    readonly raw: string,
    private readonly body: unknown,
  ) {}

  /** The id of what the event carries the new state of (its `data.id`: a product, a cart, an order). */
  get subjectId(): string | undefined {
    const data = (this.body as { data?: { id?: unknown } } | null)?.data;
    return typeof data?.id === 'string' ? data.id : undefined;
  }

  /** Bytes this event adds to a JSON connection's queue; an estimate good enough for caps. */
  get size(): number {
    return this.raw.length;
  }

  encoded(format: Format): EncodedEvent {
    if (format === 'json') return (this.json ??= encodeJsonEvent(this.raw));
    return (this.msgpack ??= encodeMsgpackEvent(this.body));
  }
}
