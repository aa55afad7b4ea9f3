import { PublishedEventSchema, serializeEvent } from '@livecart/schemas';
import type { EventRow } from './worker-sql.js';

/** A published event as every endpoint is sent it: the same bytes for each (only the webhook-id differs). */
export interface EventBody {
  type: string;
  body: Buffer;
}

/** Events kept: a few batches for each of several endpoints at different positions. */
const DEFAULT_CAPACITY = 4_000;

/**
 * The bodies of recently sent events, by epoch and seq. Endpoints usually trail the stream together, so
 * each event is parsed and serialized once, not once per endpoint. Oldest first out when full.
 */
export class EventBodies {
  private readonly bodies = new Map<string, EventBody | null>();

  constructor(private readonly capacity = DEFAULT_CAPACITY) {}

  /** The body of `row` in `epoch`; null for a row that is not a valid published event (skipped, as the relay does). */
  of(epoch: string, row: EventRow): EventBody | null {
    const key = `${epoch}:${row.seq}`;
    const known = this.bodies.get(key);
    if (known !== undefined) return known;
    const body = serialize(epoch, row);
    if (this.bodies.size >= this.capacity) this.bodies.delete(this.bodies.keys().next().value as string);
    this.bodies.set(key, body);
    return body;
  }

  get size(): number {
    return this.bodies.size;
  }
}

function serialize(epoch: string, row: EventRow): EventBody | null {
  // Parsed as the relay parses it, so the bytes are the live stream's (field order, no stray fields).
  const parsed = PublishedEventSchema.safeParse({ seq: row.seq, type: row.type, topics: row.topics, occurredAt: row.occurredAt, actor: row.actor ?? undefined, data: row.data });
  if (!parsed.success) return null;
  return { type: row.type, body: Buffer.from(serializeEvent({ ...parsed.data, epoch })) };
}
