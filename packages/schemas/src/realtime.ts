import { z } from 'zod';
import { SeqSchema } from './common.js';
import { CartUpdatedEventSchema, EpochSchema, EventSchema, OrderEventSchema, PublishedEventSchema, WebhookEndpointDisabledEventSchema } from './events.js';
import { REALTIME_TOKEN_MAX_LENGTH } from './realtime-token.js';
import { TopicSchema } from './topics.js';

/** WebSocket subprotocols: JSON text frames by default, MessagePack binary frames on request. */
export const SUBPROTOCOL_JSON = 'livecart.v1.json';
export const SUBPROTOCOL_MSGPACK = 'livecart.v1.msgpack';
export const PROTOCOL_VERSION = 1;

/**
 * How a connection is delivered events: the `delivery` query parameter of the WebSocket URL (`/ws?delivery=latest`).
 * - `all` (the default): every event of its topics.
 * - `latest`: state, not history. Every event carries the whole new state of its subject (a product, a cart,
 *   an order), so when several events of one subject wait for the same write to a connection, only the newest
 *   is sent: an earlier one is dropped when a later one of the same subject carries every topic of it the
 *   connection follows. What arrives is still in `seq` order, each `seq` at most once, and `since` = the last
 *   `seq` received resumes without missing a state. A resume's replay is sent the same way: of the missed events,
 *   each subject's newest state (per chunk of the replay), not every step. For views of the current state (a storefront's pages);
 *   a consumer that needs every change (an audit, an integration) keeps `all`, or uses webhooks.
 */
export const DELIVERY_MODES = ['all', 'latest'] as const;
export type DeliveryMode = (typeof DELIVERY_MODES)[number];
export const DELIVERY_PARAM = 'delivery';

/** Close codes the server uses beyond the standard ones; clients reconnect on all but the 44xx ones. */
export const CLOSE_CODES = {
  /** Server shutting down or restarting: reconnect (elsewhere) and resume with `since`. */
  GOING_AWAY: 1001,
  /** Protocol abuse (e.g. binary junk in a JSON session). */
  POLICY_VIOLATION: 1008,
  /** A frame larger than `limits.maxPayloadBytes`. */
  MESSAGE_TOO_BIG: 1009,
  /** The client read too slowly and its send queue passed the cap: reconnect and resume with `since`. */
  SLOW_CONSUMER: 4000,
  /** The peer stopped answering heartbeats. */
  HEARTBEAT_TIMEOUT: 4001,
  /** Too many messages per second, repeatedly. Do not reconnect at once. */
  RATE_LIMITED: 4429,
} as const;

const RequestIdSchema = z.string().max(64);
const TopicListSchema = z.array(TopicSchema).min(1, { error: 'must name at least one topic' }).max(200);

export const SubscribeMessageSchema = z.strictObject({
  type: z.literal('subscribe'),
  topics: TopicListSchema,
  /** The last `seq` the client has applied: missed events after it are replayed first. */
  since: SeqSchema.optional(),
  /**
   * The epoch `since` belongs to (from `welcome`, `subscribed`, `reset` or an event): a `since` of another
   * epoch than the server's gets `reset` (`epoch_changed`), never a replay. Without it, `since` is taken
   * to be of the server's current epoch, as 0.2.0 clients send it.
   */
  epoch: EpochSchema.optional(),
  /**
   * A realtime token (`POST /v1/realtime/tokens`, see `realtime-token`) granting every private topic
   * (`order:<id>`, `cart:<id>`) of `topics`; public topics need none. Optional: 0.3 clients follow public
   * topics as before.
   */
  token: z.string().min(1).max(REALTIME_TOKEN_MAX_LENGTH).optional(),
  id: RequestIdSchema.optional(),
});

export const UnsubscribeMessageSchema = z.strictObject({
  type: z.literal('unsubscribe'),
  topics: TopicListSchema,
  id: RequestIdSchema.optional(),
});

export const PingMessageSchema = z.strictObject({
  type: z.literal('ping'),
  id: RequestIdSchema.optional(),
});

export const ClientMessageSchema = z.discriminatedUnion('type', [
  SubscribeMessageSchema,
  UnsubscribeMessageSchema,
  PingMessageSchema,
]);
export type ClientMessage = z.infer<typeof ClientMessageSchema>;
export type SubscribeMessage = z.infer<typeof SubscribeMessageSchema>;
export type UnsubscribeMessage = z.infer<typeof UnsubscribeMessageSchema>;

export const LimitsSchema = z.object({
  maxTopicsPerConnection: z.int().min(1),
  maxMessagesPerSecond: z.int().min(1),
  maxPayloadBytes: z.int().min(1),
  heartbeatIntervalMs: z.int().min(1),
});
export type Limits = z.infer<typeof LimitsSchema>;

export const WelcomeMessageSchema = z.object({
  type: z.literal('welcome'),
  protocolVersion: z.literal(PROTOCOL_VERSION),
  instanceId: z.string().max(128),
  /** The newest event `seq` this instance has seen. */
  seq: SeqSchema,
  /** The epoch of `seq` (absent while the event stream has none: a producer older than 0.3.0). */
  epoch: EpochSchema.optional(),
  limits: LimitsSchema,
});

export const SubscribedMessageSchema = z.object({
  type: z.literal('subscribed'),
  topics: z.array(TopicSchema),
  /** Events with a greater `seq` arrive live from here on. */
  seq: SeqSchema,
  /** The epoch of `seq`. */
  epoch: EpochSchema.optional(),
  /** How many missed events were replayed before this message. */
  replayed: z.int().min(0),
  id: RequestIdSchema.optional(),
});

/**
 * Why the server ended a subscription the client did not ask to end: `token_expired`, the token that opened
 * these private topics expired (subscribe again with a fresh token and `since` to miss nothing).
 */
export const UNSUBSCRIBED_REASONS = ['token_expired'] as const;

export const UnsubscribedMessageSchema = z.object({
  type: z.literal('unsubscribed'),
  topics: z.array(TopicSchema),
  /** Absent when the client asked (`unsubscribe`); set when the server ended the subscription itself. */
  reason: z.enum(UNSUBSCRIBED_REASONS).optional(),
  id: RequestIdSchema.optional(),
});

export const EventMessageSchema = z.object({
  type: z.literal('event'),
  event: EventSchema,
});

/** Several events for one connection that were ready in the same tick, in `seq` order. */
export const BatchMessageSchema = z.object({
  type: z.literal('batch'),
  events: z.array(EventSchema).min(1),
});

/** `event` on an order's private topic `order:<id>` (subscribed with a token): the order as it entered a status. */
export const OrderEventMessageSchema = z.object({
  type: z.literal('event'),
  event: OrderEventSchema,
});

/** `event` on a cart's private topic `cart:<id>` (subscribed with a token): the whole cart after a change. */
export const CartEventMessageSchema = z.object({
  type: z.literal('event'),
  event: CartUpdatedEventSchema,
});

/** `event` on a webhook endpoint's private topic `webhook_endpoint:<id>` (staff, with a token): it was disabled. */
export const WebhookEndpointEventMessageSchema = z.object({
  type: z.literal('event'),
  event: WebhookEndpointDisabledEventSchema,
});

/**
 * `batch` of a connection that follows private topics too: its events may be of every topic it follows,
 * public and private mixed, in `seq` order. `BatchMessageSchema` is the same frame for public topics only.
 */
export const MixedBatchMessageSchema = z.object({
  type: z.literal('batch'),
  events: z.array(PublishedEventSchema).min(1),
});

/** `epoch_changed`: the event history went back and started a new epoch; seqs of the old one mean nothing now. */
export const RESET_REASONS = ['history_trimmed', 'replay_failed', 'epoch_changed'] as const;

/**
 * History no longer covers `since`: refetch a snapshot of these topics, then carry on from `seq` of
 * `epoch` (a client drops whatever it remembers by seq of another epoch).
 */
export const ResetMessageSchema = z.object({
  type: z.literal('reset'),
  topics: z.array(TopicSchema),
  seq: SeqSchema,
  epoch: EpochSchema.optional(),
  reason: z.enum(RESET_REASONS),
  id: RequestIdSchema.optional(),
});

/**
 * `error` codes. Those of a refused `subscribe` (nothing of that message is subscribed, other subscriptions
 * carry on): `token_required`, a private topic (`order:<id>`, `cart:<id>`) was named without a token;
 * `token_invalid`, the token is malformed, forged, tampered with, or signed by a key this server no longer
 * holds; `token_expired`, it expired (mint a fresh one); `topic_forbidden`, it is valid but does not grant
 * every private topic named.
 */
export const REALTIME_ERROR_CODES = [
  'bad_json',
  'bad_message',
  'bad_topic',
  'too_many_topics',
  'rate_limited',
  'unsupported_frame',
  'internal',
  'token_required',
  'token_invalid',
  'token_expired',
  'topic_forbidden',
] as const;

export const ErrorMessageSchema = z.object({
  type: z.literal('error'),
  code: z.enum(REALTIME_ERROR_CODES),
  message: z.string().max(1_000),
  id: RequestIdSchema.optional(),
});

export const PongMessageSchema = z.object({
  type: z.literal('pong'),
  id: RequestIdSchema.optional(),
  /** Server time in epoch milliseconds. */
  ts: z.int().min(0),
});

/**
 * Every message the server sends to a connection that follows public topics. A connection following private
 * topics also gets `OrderEventMessageSchema`, `CartEventMessageSchema`, `WebhookEndpointEventMessageSchema` and
 * `MixedBatchMessageSchema` frames;
 * the AsyncAPI document (`asyncapi`) describes them all, topic by topic.
 */
export const ServerMessageSchema = z.discriminatedUnion('type', [
  WelcomeMessageSchema,
  SubscribedMessageSchema,
  UnsubscribedMessageSchema,
  EventMessageSchema,
  BatchMessageSchema,
  ResetMessageSchema,
  ErrorMessageSchema,
  PongMessageSchema,
]);
export type ServerMessage = z.infer<typeof ServerMessageSchema>;
export type WelcomeMessage = z.infer<typeof WelcomeMessageSchema>;
export type SubscribedMessage = z.infer<typeof SubscribedMessageSchema>;
export type EventMessage = z.infer<typeof EventMessageSchema>;
export type BatchMessage = z.infer<typeof BatchMessageSchema>;
export type ResetMessage = z.infer<typeof ResetMessageSchema>;
export type ErrorMessage = z.infer<typeof ErrorMessageSchema>;
export type RealtimeErrorCode = (typeof REALTIME_ERROR_CODES)[number];
export type OrderEventMessage = z.infer<typeof OrderEventMessageSchema>;
export type CartEventMessage = z.infer<typeof CartEventMessageSchema>;
export type WebhookEndpointEventMessage = z.infer<typeof WebhookEndpointEventMessageSchema>;
export type MixedBatchMessage = z.infer<typeof MixedBatchMessageSchema>;
