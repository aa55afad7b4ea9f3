import { type LivecartEvent, ORDER_EVENT_TYPES, type OrderEvent, type PublishedEvent, PublishedEventSchema } from '@livecart/schemas/events';
import {
  CartEventMessageSchema,
  MixedBatchMessageSchema,
  OrderEventMessageSchema,
  ServerMessageSchema,
  WebhookEndpointEventMessageSchema,
} from '@livecart/schemas/realtime';
import { z } from 'zod';

/** An event of a private topic: an order entered a status, a cart changed, a webhook endpoint was disabled. */
export type PrivateEvent = Exclude<PublishedEvent, LivecartEvent>;

/** Every frame a connection may get: the public topics' messages, and (it follows private topics) their events. */
export const ReceivedMessageSchema = z.union([
  ServerMessageSchema,
  OrderEventMessageSchema,
  CartEventMessageSchema,
  WebhookEndpointEventMessageSchema,
  MixedBatchMessageSchema,
]);
export type ReceivedMessage = z.infer<typeof ReceivedMessageSchema>;

const ORDER_TYPES: ReadonlySet<string> = new Set(ORDER_EVENT_TYPES);

/** Whether a private topic's event is an order's (`order.<status>`, the whole order in `data`). */
export function isOrderEvent(event: PrivateEvent): event is OrderEvent {
  return ORDER_TYPES.has(event.type);
}

/**
 * What every event has, whatever its type: enough to keep the resume position and the de-duplication right
 * for an event this client cannot read (a type added by a newer server).
 */
const EventHeadSchema = z.object({
  seq: z.int().min(1),
  type: z.string(),
  topics: z.array(z.string()),
  epoch: z.string().optional(),
});
export type EventHead = z.infer<typeof EventHeadSchema>;

/** An event of a frame that did not read as a whole: readable, or only its head (a type this client does not know). */
export type LooseEvent = { known: PublishedEvent } | { unknown: EventHead };

const LooseFrameSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('event'), event: z.unknown() }),
  z.object({ type: z.literal('batch'), events: z.array(z.unknown()).min(1) }),
]);

/**
 * The events of an `event` or `batch` frame that failed the strict schema, one by one: a server newer than
 * this client may send event types it does not know (additive, a minor version of the protocol), and those
 * must not cost it the known events of the same batch. Undefined when the frame is not such a frame, or an
 * event lacks even the head every event has.
 */
export function looseEvents(frame: unknown): LooseEvent[] | undefined {
  const loose = LooseFrameSchema.safeParse(frame);
  if (!loose.success) return undefined;
  const raw = loose.data.type === 'event' ? [loose.data.event] : loose.data.events;
  const events: LooseEvent[] = [];
  for (const candidate of raw) {
    const known = PublishedEventSchema.safeParse(candidate);
    if (known.success) {
      events.push({ known: known.data });
      continue;
    }
    const head = EventHeadSchema.safeParse(candidate);
    if (!head.success) return undefined;
    events.push({ unknown: head.data });
  }
  return events;
}
