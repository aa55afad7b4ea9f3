import { decode } from '@msgpack/msgpack';
import type { EventStream, StreamPage } from '../../src/events/event-stream.js';
import { LiveEvent } from '../../src/events/live-event.js';
import type { Transport } from '../../src/hub/transport.js';
import type { ControlMessage, OutgoingFrame } from '../../src/protocol/frames.js';
import type { Format } from '../../src/protocol/format.js';
import { productUpdated } from './events.js';

/**
 * An event of `seq` carrying `topics`, as the sequencer hands it to the hub. Built directly, not parsed,
 * so hub and replay tests may use short made-up topics that the transport's head parser would refuse.
 * Its subject is product `id` (productId(1) unless given).
 */
export function liveEvent(seq: number, topics: string[] = ['catalog'], id?: string): LiveEvent {
  const event = productUpdated(seq, { topics, ...(id === undefined ? {} : { id }) });
  const raw = JSON.stringify(event);
  return new LiveEvent(seq, undefined, topics, Date.parse(event.occurredAt), raw, JSON.parse(raw));
}

/** The retained history in memory; `beforeRead` runs before each range read (to publish "during" it). */
export class MemoryStream implements EventStream {
  events: LiveEvent[] = [];
  reads = 0;
  beforeRead: (() => void) | undefined;
  failReads = 0;

  append(...events: LiveEvent[]): this {
    this.events.push(...events);
    return this;
  }

  trimThrough(seq: number): void {
    this.events = this.events.filter((event) => event.seq > seq);
  }

  async range(from: number, to: number, count: number): Promise<StreamPage> {
    this.reads++;
    this.beforeRead?.();
    if (this.failReads > 0) {
      this.failReads--;
      throw new Error('stream read failed');
    }
    const inRange = this.events.filter((event) => event.seq >= from && event.seq <= to);
    const events = inRange.slice(0, count);
    const last = events.at(-1);
    return { events, next: inRange.length > count && last !== undefined ? last.seq + 1 : null };
  }

  async firstSeq(): Promise<number | null> {
    return this.events[0]?.seq ?? null;
  }

  /** Memory streams have no epoch record, as streams written before epochs existed. */
  async epoch(): Promise<undefined> {
    return undefined;
  }

  async lastSeq(): Promise<number | null> {
    return this.events.at(-1)?.seq ?? null;
  }
}

/** Records frames as decoded messages; `bufferedAmount` is set by the test. */
export class FakeTransport implements Transport {
  bufferedAmount = 0;
  readonly frames: Buffer[] = [];
  kicked: { code: number; reason: string } | undefined;

  constructor(readonly format: Format = 'json') {}

  send(outgoing: OutgoingFrame): void {
    this.frames.push(outgoing.frame);
  }

  sendMessage(message: ControlMessage): void {
    this.frames.push(Buffer.from(JSON.stringify(message)));
  }

  kick(code: number, reason: string): void {
    this.kicked = { code, reason };
  }

  /** Every frame, decoded. */
  get messages(): { type: string; [key: string]: unknown }[] {
    return this.frames.map((frame) => (this.format === 'json' ? JSON.parse(frame.toString()) : decode(frame)));
  }

  /** Seqs of every event received, flattened out of event and batch frames. */
  get seqs(): number[] {
    return this.messages.flatMap((message) => {
      if (message.type === 'event') return [(message.event as { seq: number }).seq];
      if (message.type === 'batch') return (message.events as { seq: number }[]).map((event) => event.seq);
      return [];
    });
  }
}
