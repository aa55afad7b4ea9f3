import type { z } from 'zod';
import { ActorSchema } from './actor.js';
import { MESSAGE_EXAMPLES, type MessageExample } from './asyncapi-examples.js';
import { ERROR_CODES_TABLE, INFO_DESCRIPTION, PRIVATE_TEXT, RESET_REASONS_TABLE, RESUME_TEXT, EPOCH_TEXT } from './asyncapi-text.js';
import { CartLineSchema, CartSchema } from './cart.js';
import {
  CartUpdatedEventSchema,
  EpochSchema,
  EventSchema,
  OrderCancelledEventSchema,
  OrderEventSchema,
  OrderExpiredEventSchema,
  OrderFulfilledEventSchema,
  OrderPaidEventSchema,
  OrderPendingPaymentEventSchema,
  ProductCreatedEventSchema,
  ProductDeletedEventSchema,
  ProductUpdatedEventSchema,
  PublishedEventSchema,
  StockChangedEventSchema,
  WebhookEndpointDisabledEventSchema,
} from './events.js';
import { toJsonSchemaComponents, type JsonSchema } from './json-schema.js';
import { OrderItemSchema, OrderSchema } from './order.js';
import { ProductSchema } from './product.js';
import {
  CartEventMessageSchema,
  ErrorMessageSchema,
  EventMessageSchema,
  LimitsSchema,
  MixedBatchMessageSchema,
  OrderEventMessageSchema,
  PingMessageSchema,
  PongMessageSchema,
  PROTOCOL_VERSION,
  ResetMessageSchema,
  DELIVERY_MODES,
  DELIVERY_PARAM,
  SUBPROTOCOL_JSON,
  SUBPROTOCOL_MSGPACK,
  SubscribedMessageSchema,
  SubscribeMessageSchema,
  UnsubscribedMessageSchema,
  UnsubscribeMessageSchema,
  WebhookEndpointEventMessageSchema,
  WelcomeMessageSchema,
} from './realtime.js';
import { TopicSchema } from './topics.js';

/*
 * The AsyncAPI 3.0 document of the WebSocket protocol, built from the same zod schemas the server and its
 * clients validate with. One physical channel (`/ws`) carries every message; the six topic kinds are
 * channels of their own too, each with the events it carries, so a reader sees what `order:<id>` delivers
 * without reading the union of everything.
 */

export const ASYNCAPI_VERSION = '3.0.0';

export type AsyncApiDocument = Record<string, unknown> & { asyncapi: typeof ASYNCAPI_VERSION };

export interface AsyncApiOptions {
  /**
   * The realtime service's base URL as clients reach it (`ws://` or `wss://`, host, optional path prefix);
   * the endpoint is `<serverUrl>/ws`.
   */
  serverUrl: string;
}

/** What clients send, as the server accepts it. */
const CLIENT_SCHEMAS = {
  SubscribeMessage: SubscribeMessageSchema,
  UnsubscribeMessage: UnsubscribeMessageSchema,
  PingMessage: PingMessageSchema,
  Topic: TopicSchema,
  Epoch: EpochSchema,
} satisfies Record<string, z.ZodType>;

/** What the server sends: open to fields a later minor version adds. */
const SERVER_SCHEMAS = {
  WelcomeMessage: WelcomeMessageSchema,
  Limits: LimitsSchema,
  SubscribedMessage: SubscribedMessageSchema,
  UnsubscribedMessage: UnsubscribedMessageSchema,
  EventMessage: EventMessageSchema,
  OrderEventMessage: OrderEventMessageSchema,
  CartEventMessage: CartEventMessageSchema,
  WebhookEndpointEventMessage: WebhookEndpointEventMessageSchema,
  BatchMessage: MixedBatchMessageSchema,
  ResetMessage: ResetMessageSchema,
  ErrorMessage: ErrorMessageSchema,
  PongMessage: PongMessageSchema,
  Event: EventSchema,
  ProductCreatedEvent: ProductCreatedEventSchema,
  ProductUpdatedEvent: ProductUpdatedEventSchema,
  StockChangedEvent: StockChangedEventSchema,
  ProductDeletedEvent: ProductDeletedEventSchema,
  OrderEvent: OrderEventSchema,
  OrderPendingPaymentEvent: OrderPendingPaymentEventSchema,
  OrderPaidEvent: OrderPaidEventSchema,
  OrderFulfilledEvent: OrderFulfilledEventSchema,
  OrderCancelledEvent: OrderCancelledEventSchema,
  OrderExpiredEvent: OrderExpiredEventSchema,
  CartUpdatedEvent: CartUpdatedEventSchema,
  WebhookEndpointDisabledEvent: WebhookEndpointDisabledEventSchema,
  PublishedEvent: PublishedEventSchema,
  Product: ProductSchema,
  Order: OrderSchema,
  OrderItem: OrderItemSchema,
  Cart: CartSchema,
  CartLine: CartLineSchema,
  Actor: ActorSchema,
  Topic: TopicSchema,
  Epoch: EpochSchema,
} satisfies Record<string, z.ZodType>;

const schemaRef = (name: string) => `#/components/schemas/${name}`;
const ref = (path: string) => ({ $ref: path });

/** Both sides' components; a schema both sides use must come out the same from either. */
function componentSchemas(): Record<string, JsonSchema> {
  const client = toJsonSchemaComponents(CLIENT_SCHEMAS, { io: 'input', refOf: schemaRef });
  const server = toJsonSchemaComponents(SERVER_SCHEMAS, { io: 'output', refOf: schemaRef, openObjects: true });
  for (const name of Object.keys(client)) {
    if (name in server && JSON.stringify(client[name]) !== JSON.stringify(server[name])) {
      throw new Error(`${name} differs between what clients send and what the server sends: name them apart`);
    }
  }
  return { ...client, ...server };
}

interface MessageSpec {
  payload: keyof typeof CLIENT_SCHEMAS | keyof typeof SERVER_SCHEMAS;
  title: string;
  summary: string;
  description?: string;
  /** Carries the request's `id`. */
  correlated?: boolean;
}

const MESSAGES = {
  subscribe: {
    payload: 'SubscribeMessage',
    title: 'Subscribe',
    summary: 'Follow topics, optionally resuming after `since` of `epoch`; private topics need `token`.',
    description: `Answered by the missed events (with \`since\`), then \`subscribed\`; or \`reset\` then \`subscribed\`; or one \`error\`, and then nothing of the request is subscribed.\n\n${RESUME_TEXT}`,
    correlated: true,
  },
  unsubscribe: { payload: 'UnsubscribeMessage', title: 'Unsubscribe', summary: 'Stop following topics.', correlated: true },
  ping: { payload: 'PingMessage', title: 'Ping', summary: 'An application-level ping, answered by `pong` at once: how a browser learns the server is alive.', correlated: true },
  welcome: {
    payload: 'WelcomeMessage',
    title: 'Welcome',
    summary: 'The first message of every connection: the newest `seq` and its `epoch`, and the limits in force.',
    description: 'Subscribe with `seq` as `since` after loading a snapshot and nothing falls in between.',
  },
  subscribed: {
    payload: 'SubscribedMessage',
    title: 'Subscribed',
    summary: 'The topics are followed: events with a greater `seq` arrive live; `replayed` missed events came before this.',
    correlated: true,
  },
  unsubscribed: {
    payload: 'UnsubscribedMessage',
    title: 'Unsubscribed',
    summary: 'The topics are no longer followed: asked for (`unsubscribe`), or `reason: token_expired`.',
    correlated: true,
  },
  catalogEvent: {
    payload: 'EventMessage',
    title: 'Catalog event',
    summary: 'One event of a public topic: a product created, updated, deleted, or its stock changed; the whole new state.',
  },
  orderEvent: { payload: 'OrderEventMessage', title: 'Order event', summary: 'One event of an order: it entered a status; the whole order follows.' },
  cartEvent: { payload: 'CartEventMessage', title: 'Cart event', summary: 'One event of a cart: a line added, changed or removed, a hold lapsed; the whole cart follows.' },
  webhookEndpointEvent: {
    payload: 'WebhookEndpointEventMessage',
    title: 'Webhook endpoint event',
    summary: 'A webhook endpoint failed for its whole failure period and was disabled (never its URL or secret).',
  },
  batch: {
    payload: 'BatchMessage',
    title: 'Batch',
    summary: 'Several events that were ready for this connection at once, of any of its topics, in `seq` order.',
  },
  reset: {
    payload: 'ResetMessage',
    title: 'Reset',
    summary: 'History no longer covers what was asked: refetch a snapshot of these topics, then carry on from `seq` of `epoch`.',
    description: `Answers a \`subscribe\` whose \`since\` cannot be replayed, or arrives unprompted for every topic of the connection.\n\n${RESET_REASONS_TABLE}\n\n${EPOCH_TEXT}`,
    correlated: true,
  },
  error: {
    payload: 'ErrorMessage',
    title: 'Error',
    summary: 'A client message was refused; the connection carries on (except after `unsupported_frame`).',
    description: ERROR_CODES_TABLE,
    correlated: true,
  },
  pong: { payload: 'PongMessage', title: 'Pong', summary: 'The answer to `ping`, with the server time.', correlated: true },
} as const satisfies Record<keyof typeof MESSAGE_EXAMPLES, MessageSpec>;

type MessageName = keyof typeof MESSAGES;

function messageObject(name: MessageName): Record<string, unknown> {
  const spec: MessageSpec = MESSAGES[name];
  const examples: readonly MessageExample[] = MESSAGE_EXAMPLES[name];
  return {
    name,
    title: spec.title,
    summary: spec.summary,
    ...(spec.description ? { description: spec.description } : {}),
    contentType: 'application/json',
    payload: ref(schemaRef(spec.payload)),
    ...(spec.correlated ? { correlationId: ref('#/components/correlationIds/requestId') } : {}),
    examples: examples.map((example) => ({ name: example.name, summary: example.summary, payload: example.payload })),
  };
}

const messageRefs = (...names: MessageName[]) => Object.fromEntries(names.map((name) => [name, ref(`#/components/messages/${name}`)]));
const channelMessage = (channel: string, name: MessageName) => ref(`#/channels/${channel}/messages/${name}`);

const PUBLIC_EVENTS = ['catalogEvent'] as const;

function topicChannel(address: string, title: string, description: string, messages: readonly MessageName[], parameter?: [string, string, string]) {
  return {
    address,
    title,
    description,
    messages: messageRefs(...messages),
    ...(parameter ? { parameters: { [parameter[0]]: { description: parameter[1], examples: [parameter[2]] } } } : {}),
  };
}

const PRIVATE_NOTE = 'Private: the `subscribe` naming it must carry a realtime token granting it (`x-livecart-token-required`).';

function channels() {
  return {
    socket: {
      address: '/ws',
      title: 'The WebSocket',
      description: 'The one endpoint: every message of the protocol, both ways, travels over it.',
      messages: messageRefs('subscribe', 'unsubscribe', 'ping', 'welcome', 'subscribed', 'unsubscribed', 'catalogEvent', 'orderEvent', 'cartEvent', 'webhookEndpointEvent', 'batch', 'reset', 'error', 'pong'),
      bindings: {
        ws: {
          method: 'GET',
          query: {
            type: 'object',
            properties: {
              [DELIVERY_PARAM]: {
                type: 'string',
                enum: [...DELIVERY_MODES],
                default: 'all',
                description: 'all: every event of the followed topics. latest: when several events of one subject wait for the same write, or are replayed together on a resume, only the newest state is sent (see DELIVERY_MODES in @livecart/schemas).',
              },
            },
          },
          headers: {
            type: 'object',
            properties: {
              'Sec-WebSocket-Protocol': { type: 'string', enum: [SUBPROTOCOL_JSON, SUBPROTOCOL_MSGPACK], description: 'JSON text frames (the default) or MessagePack binary frames.' },
              Origin: { type: 'string', description: 'Sent by browsers; must be one of the server\'s allowed origins.' },
            },
          },
          bindingVersion: '0.1.0',
        },
      },
    },
    catalog: topicChannel('catalog', 'Catalog', 'Every change of the catalog.', PUBLIC_EVENTS),
    category: topicChannel('category:{slug}', 'Category', 'Changes of the products of one category (a product moved between two is on both).', PUBLIC_EVENTS, [
      'slug',
      'A category slug: lowercase letters and digits, single hyphens between (up to 64 characters).',
      'kitchen',
    ]),
    product: topicChannel('product:{id}', 'Product', 'Changes of one product.', PUBLIC_EVENTS, [
      'id',
      'A product id: a lowercase uuid.',
      '3f0c8e55-2d1b-4c8e-9a53-5e0f6f1f4b1a',
    ]),
    order: {
      ...topicChannel('order:{id}', 'Order', `One order's status changes. ${PRIVATE_NOTE}`, ['orderEvent'], ['id', 'An order id: a lowercase uuid.', '0b6f2a1e-3c4d-4e5f-8a9b-0c1d2e3f4a5b']),
      'x-livecart-token-required': true,
    },
    cart: {
      ...topicChannel('cart:{id}', 'Cart', `One cart's changes. ${PRIVATE_NOTE}`, ['cartEvent'], ['id', 'A cart id: a lowercase uuid.', '7d2e4c1a-9b8f-4e3d-a2c1-5f6e7d8c9b0a']),
      'x-livecart-token-required': true,
    },
    webhook_endpoint: {
      ...topicChannel('webhook_endpoint:{id}', 'Webhook endpoint', `One webhook endpoint's state, for staff who manage webhooks. ${PRIVATE_NOTE}`, ['webhookEndpointEvent'], [
        'id',
        'A webhook endpoint id: a lowercase uuid.',
        '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
      ]),
      'x-livecart-token-required': true,
    },
  };
}

function operations() {
  const socket = ref('#/channels/socket');
  const receive = (title: string, message: MessageName, replies: MessageName[], description?: string) => ({
    action: 'receive',
    channel: socket,
    title,
    ...(description ? { description } : {}),
    messages: [channelMessage('socket', message)],
    reply: { channel: socket, messages: replies.map((name) => channelMessage('socket', name)) },
  });
  const send = (channel: string, title: string, messages: MessageName[], description?: string) => ({
    action: 'send',
    channel: ref(`#/channels/${channel}`),
    title,
    ...(description ? { description } : {}),
    messages: messages.map((name) => channelMessage(channel, name)),
  });
  return {
    subscribe: receive('Subscribe to topics', 'subscribe', ['subscribed', 'reset', 'error'], PRIVATE_TEXT),
    unsubscribe: receive('Unsubscribe from topics', 'unsubscribe', ['unsubscribed', 'error']),
    ping: receive('Ping', 'ping', ['pong', 'error']),
    sendWelcome: send('socket', 'Welcome a connection', ['welcome']),
    sendBatch: send('socket', 'Deliver several events at once', ['batch']),
    sendReset: send('socket', 'Reset topics unprompted', ['reset'], 'After events were lost to this instance or when the event history began a new epoch: for every topic of the connection.'),
    sendUnsubscribed: send('socket', 'End a private subscription', ['unsubscribed'], 'Its token expired (`reason: token_expired`).'),
    sendError: send('socket', 'Refuse a client message', ['error']),
    sendCatalogEvents: send('catalog', 'Deliver catalog events', ['catalogEvent']),
    sendCategoryEvents: send('category', 'Deliver a category\'s events', ['catalogEvent']),
    sendProductEvents: send('product', 'Deliver a product\'s events', ['catalogEvent']),
    sendOrderEvents: send('order', 'Deliver an order\'s events', ['orderEvent']),
    sendCartEvents: send('cart', 'Deliver a cart\'s events', ['cartEvent']),
    sendWebhookEndpointEvents: send('webhook_endpoint', 'Deliver a webhook endpoint\'s events', ['webhookEndpointEvent']),
  };
}

function server(serverUrl: string) {
  const url = new URL(serverUrl);
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') throw new Error(`serverUrl must be a ws:// or wss:// URL, not ${serverUrl}`);
  const pathname = url.pathname.replace(/\/+$/, '');
  return {
    host: url.host,
    protocol: url.protocol.slice(0, -1),
    ...(pathname ? { pathname } : {}),
    title: 'livecart realtime',
    description: 'Any instance: they share nothing but Redis, and a client resumes on whichever it reaches.',
  };
}

/** The AsyncAPI 3.0 document of the realtime WebSocket protocol. A fresh object on every call. */
export function buildAsyncApiDocument(options: AsyncApiOptions): AsyncApiDocument {
  return {
    asyncapi: ASYNCAPI_VERSION,
    id: 'urn:livecart:realtime',
    info: {
      title: 'livecart realtime',
      version: String(PROTOCOL_VERSION),
      description: INFO_DESCRIPTION,
      license: { name: 'MIT' },
    },
    defaultContentType: 'application/json',
    servers: { realtime: server(options.serverUrl) },
    channels: channels(),
    operations: operations(),
    components: {
      schemas: componentSchemas(),
      messages: Object.fromEntries((Object.keys(MESSAGES) as MessageName[]).map((name) => [name, messageObject(name)])),
      correlationIds: {
        requestId: { description: 'The `id` a client put on a request, echoed in its answers (errors included).', location: '$message.payload#/id' },
      },
    },
  };
}
