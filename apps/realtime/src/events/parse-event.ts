import { parseEventHead } from '@livecart/schemas/transport';
import { LiveEvent } from './live-event.js';

/**
 * An event as published by the API's outbox relay, ready for fan-out. The relay validated the whole event
 * against EventSchema before publishing it; parseEventHead checks the head that ordering and routing rely
 * on and throws EventTransportError for anything else, so a bad message is dropped instead of breaking
 * ordering, and the hot path pays for one JSON.parse and no schema walk.
 */
export function parseEvent(raw: string): LiveEvent {
  const head = parseEventHead(raw);
  return new LiveEvent(head.seq, head.epoch, head.topics, head.occurredAtMs, raw, head.body);
}
