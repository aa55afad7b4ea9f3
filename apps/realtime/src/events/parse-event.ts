import { isPrivateTopic } from '@livecart/schemas/topics';
import { parseEventHead } from '@livecart/schemas/transport';
import { LiveEvent } from './live-event.js';

/**
 * An event as published by the API's outbox relay, ready for fan-out. The relay validated the whole event
 * against EventSchema before publishing it; parseEventHead checks the head that ordering and routing rely
 * on and throws EventTransportError for anything else, so a bad message is dropped instead of breaking
 * ordering, and the hot path pays for one JSON.parse and no schema walk.
 *
 * An event of a private topic (`order:<id>`, `cart:<id>`) is routed through its private topics only, even if
 * a producer also tagged it `catalog` or another public topic: whoever follows those holds no token for it.
 */
export function parseEvent(raw: string): LiveEvent {
  const head = parseEventHead(raw);
  return new LiveEvent(head.seq, head.epoch, routingTopics(head.topics), head.occurredAtMs, raw, head.body);
}

function routingTopics(topics: readonly string[]): readonly string[] {
  return topics.some(isPrivateTopic) ? topics.filter(isPrivateTopic) : topics;
}
