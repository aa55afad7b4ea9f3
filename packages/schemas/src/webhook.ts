import { z } from 'zod';
import { IdSchema, SeqSchema, TimestampSchema } from './common.js';
import { EpochSchema, PUBLISHED_EVENT_TYPES, PublishedEventSchema } from './events.js';
import { TopicSchema } from './topics.js';

/*
 * Webhooks: endpoints registered by admins receive the events the outbox relay publishes, as the live
 * stream carries them (the body of a delivery is the event's JSON, `epoch` included), signed with the
 * Standard Webhooks scheme (`webhook-id`, `webhook-timestamp`, `webhook-signature`), in seq order per
 * endpoint, at least once. `webhook-id` is the same for every attempt (and a replay) of one event to one
 * endpoint: receivers de-duplicate by it. It names the epoch, so an event of a new history (a restored
 * database) is never mistaken for the old history's event under the same seq.
 *
 * An endpoint registered with `maxBatchSize` above 1 receives batches instead: each delivery is a
 * `webhook.batch` of up to that many consecutive matching events, in seq order — as many as are waiting
 * when the request is sent, so one at a time while the stream is quiet and full batches while it is
 * busy. A failed batch is sent again from its first event and may then carry more events (under another
 * `webhook-id`): batch receivers de-duplicate events by `epoch` and `seq`, which every event carries.
 */

/** Every event type an endpoint can ask for. */
export const WebhookEventTypeSchema = z.enum(PUBLISHED_EVENT_TYPES as [string, ...string[]], {
  error: `must be one of ${PUBLISHED_EVENT_TYPES.join(', ')}`,
});
export type WebhookEventType = z.infer<typeof WebhookEventTypeSchema>;

export const WEBHOOK_MAX_EVENT_TYPES = PUBLISHED_EVENT_TYPES.length;
export const WEBHOOK_MAX_TOPICS = 100;
export const WEBHOOK_URL_MAX_LENGTH = 2_048;

/** Where deliveries are POSTed: http(s) here; whether http, and which hosts, the API decides (its SSRF rules). */
export const WebhookUrlSchema = z
  .string()
  .max(WEBHOOK_URL_MAX_LENGTH)
  // A host name or an IP literal, no user name or password (a credential in a URL ends up in logs).
  .regex(/^https?:\/\/(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?(?:[/?#][\x21-\x7e]*)?$/, { error: 'must be an http(s) URL without a user name or password' });

export const WebhookDescriptionSchema = z.string().max(500);

export const WEBHOOK_MAX_BATCH_SIZE = 1_000;
/** Events one delivery carries at most: 1, one event per request (the body is the event); more, `webhook.batch` bodies. */
export const WebhookBatchSizeSchema = z.int().min(1).max(WEBHOOK_MAX_BATCH_SIZE);

/** Why an endpoint receives nothing: switched off by an admin, or by the API after failing for too long. */
export const WEBHOOK_DISABLED_REASONS = ['manual', 'failing'] as const;
export const WebhookDisabledReasonSchema = z.enum(WEBHOOK_DISABLED_REASONS);
export type WebhookDisabledReason = z.infer<typeof WebhookDisabledReasonSchema>;

export const WebhookEndpointSchema = z.object({
  id: IdSchema,
  url: WebhookUrlSchema,
  description: WebhookDescriptionSchema.nullable(),
  /** The event types it receives; null: every type. */
  eventTypes: z.array(WebhookEventTypeSchema).nullable(),
  /** It receives an event only if one of the event's topics is listed; null: any topic. */
  topics: z.array(TopicSchema).nullable(),
  /** Events one delivery carries at most (1: each event alone; more: `webhook.batch` bodies). */
  maxBatchSize: WebhookBatchSizeSchema,
  enabled: z.boolean(),
  disabledReason: WebhookDisabledReasonSchema.nullable(),
  /** The epoch and the seq of the last event it received (or skipped as not matching). */
  epoch: EpochSchema.nullable(),
  deliveredSeq: SeqSchema,
  /** Since when every attempt failed; null while deliveries succeed. */
  failingSince: TimestampSchema.nullable(),
  createdAt: TimestampSchema,
  updatedAt: TimestampSchema,
});
export type WebhookEndpoint = z.infer<typeof WebhookEndpointSchema>;

export const WebhookEndpointListSchema = z.object({ items: z.array(WebhookEndpointSchema) });
export type WebhookEndpointList = z.infer<typeof WebhookEndpointListSchema>;

const eventTypes = z.array(WebhookEventTypeSchema).min(1, { error: 'needs at least one type (or leave it out for every type)' }).max(WEBHOOK_MAX_EVENT_TYPES);
const topics = z.array(TopicSchema).min(1, { error: 'needs at least one topic (or leave it out for any topic)' }).max(WEBHOOK_MAX_TOPICS);

/** A new endpoint receives the events published from its creation on. */
export const WebhookEndpointCreateSchema = z.strictObject({
  url: WebhookUrlSchema,
  description: WebhookDescriptionSchema.optional(),
  eventTypes: eventTypes.optional(),
  topics: topics.optional(),
  maxBatchSize: WebhookBatchSizeSchema.default(1),
  enabled: z.boolean().default(true),
});
export type WebhookEndpointCreate = z.infer<typeof WebhookEndpointCreateSchema>;
export type WebhookEndpointCreateInput = z.input<typeof WebhookEndpointCreateSchema>;

/** Only the fields given change (at least one); null clears a filter (every type, any topic) or the description. */
export const WebhookEndpointUpdateSchema = z.strictObject({
  url: WebhookUrlSchema.optional(),
  description: WebhookDescriptionSchema.nullable().optional(),
  eventTypes: eventTypes.nullable().optional(),
  topics: topics.nullable().optional(),
  maxBatchSize: WebhookBatchSizeSchema.optional(),
  enabled: z.boolean().optional(),
});
export type WebhookEndpointUpdate = z.infer<typeof WebhookEndpointUpdateSchema>;

/**
 * The answer to a creation or a secret rotation: the only time the signing secret is shown. `whsec_`
 * and the base64 of its bytes, as Standard Webhooks libraries take it.
 */
export const WebhookEndpointWithSecretSchema = z.object({ ...WebhookEndpointSchema.shape, secret: z.string() });
export type WebhookEndpointWithSecret = z.infer<typeof WebhookEndpointWithSecretSchema>;

export const WebhookEndpointIdParamsSchema = z.strictObject({ id: IdSchema });
export type WebhookEndpointIdParams = z.infer<typeof WebhookEndpointIdParamsSchema>;

/** Delivers again every matching event from `fromSeq` on (of the current epoch), in order. */
export const WebhookReplaySchema = z.strictObject({ fromSeq: SeqSchema.min(1) });
export type WebhookReplay = z.infer<typeof WebhookReplaySchema>;

/** One attempt to deliver one message (an event, a batch of events or a reset notice) to an endpoint. */
export const WebhookDeliverySchema = z.object({
  id: z.int().min(1).max(Number.MAX_SAFE_INTEGER),
  /** The message's `webhook-id`. */
  messageId: z.string(),
  /** The event's seq (a batch's first); null for a reset notice. */
  eventSeq: SeqSchema.nullable(),
  /** A batch's last event's seq (an event's own seq); null for a reset notice. */
  lastEventSeq: SeqSchema.nullable(),
  /** Events the message carries: 1 for an event, up to the endpoint's `maxBatchSize` for a batch, 0 for a reset notice. */
  eventCount: z.int().min(0),
  /** The event's type, `webhook.batch` or `webhook.reset`. */
  type: z.string(),
  /** 1 for the first attempt at this message, counting up while it fails. */
  attempt: z.int().min(1),
  /** The receiver's HTTP status; null when none came (refused, timed out, reset). */
  statusCode: z.int().nullable(),
  latencyMs: z.int().min(0),
  error: z.string().nullable(),
  succeeded: z.boolean(),
  attemptedAt: TimestampSchema,
});
export type WebhookDelivery = z.infer<typeof WebhookDeliverySchema>;

export const WEBHOOK_DELIVERY_PAGE_MAX = 200;

/** Newest first; `before` is the `nextBefore` of the previous page. */
export const WebhookDeliveryListQuerySchema = z.strictObject({
  limit: z.int().min(1).max(WEBHOOK_DELIVERY_PAGE_MAX).default(50),
  before: z.int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
});
export type WebhookDeliveryListQuery = z.infer<typeof WebhookDeliveryListQuerySchema>;

export const WebhookDeliveryPageSchema = z.object({
  items: z.array(WebhookDeliverySchema),
  nextBefore: z.int().min(1).nullable(),
});
export type WebhookDeliveryPage = z.infer<typeof WebhookDeliveryPageSchema>;

export const WEBHOOK_RESET_TYPE = 'webhook.reset';

/**
 * Delivered before the first event after the endpoint's history broke: the event history began a new epoch
 * (a restored database: seqs of the old epoch may now stand for other events, or none) or the events it
 * had not received yet were pruned while it was disabled. A receiver refetches what it keeps (as a
 * WebSocket client does on `reset`) and goes on with the events that follow, which carry the new `epoch`
 * and have seqs above `afterSeq`.
 */
export const WebhookResetSchema = z.object({
  type: z.literal(WEBHOOK_RESET_TYPE),
  epoch: EpochSchema,
  afterSeq: SeqSchema,
  reason: z.enum(['epoch', 'history_pruned']),
});
export type WebhookReset = z.infer<typeof WebhookResetSchema>;

export const WEBHOOK_BATCH_TYPE = 'webhook.batch';

/** Consecutive matching events of one epoch, in seq order, delivered in one request (endpoints with `maxBatchSize` above 1). */
export const WebhookBatchSchema = z.object({
  type: z.literal(WEBHOOK_BATCH_TYPE),
  events: z.array(PublishedEventSchema).min(1).max(WEBHOOK_MAX_BATCH_SIZE),
});
export type WebhookBatch = z.infer<typeof WebhookBatchSchema>;

/** The `webhook-id` of an event's delivery to one endpoint: the same for every attempt and replay. */
export function webhookMessageId(endpointId: string, epoch: string, seq: number): string {
  return `msg_${endpointId}_${epoch}_${seq}`;
}

/** The `webhook-id` of a reset notice. */
export function webhookResetMessageId(endpointId: string, epoch: string, afterSeq: number): string {
  return `msg_${endpointId}_${epoch}_reset_${afterSeq}`;
}

/** The `webhook-id` of a batch: its endpoint, epoch and first and last seq (a retry from the same event may carry more). */
export function webhookBatchMessageId(endpointId: string, epoch: string, firstSeq: number, lastSeq: number): string {
  return `msg_${endpointId}_${epoch}_${firstSeq}-${lastSeq}`;
}
