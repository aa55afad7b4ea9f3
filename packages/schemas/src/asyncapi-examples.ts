import type { Cart } from './cart.js';
import type { CartUpdatedEvent, LivecartEvent, OrderEvent, WebhookEndpointDisabledEvent } from './events.js';
import type { Order } from './order.js';
import type { Product } from './product.js';
import type { ClientMessage, ServerMessage } from './realtime.js';

/*
 * The AsyncAPI document's examples: one conversation (a shopper on a product page who also follows an
 * order and a cart), typed by the schemas' own types so they cannot name a field that does not exist; the
 * document's test parses each with its zod schema as well.
 */

const PRODUCT_ID = '3f0c8e55-2d1b-4c8e-9a53-5e0f6f1f4b1a';
const ORDER_ID = '0b6f2a1e-3c4d-4e5f-8a9b-0c1d2e3f4a5b';
const CART_ID = '7d2e4c1a-9b8f-4e3d-a2c1-5f6e7d8c9b0a';
const EPOCH = 'c5a1f3d2-8e4b-4f6a-9c7d-1b2e3f4a5c6d';
const WEBHOOK_ENDPOINT_ID = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
export const EXAMPLE_TOPICS = {
  product: `product:${PRODUCT_ID}`,
  category: 'category:kitchen',
  order: `order:${ORDER_ID}`,
  cart: `cart:${CART_ID}`,
  webhookEndpoint: `webhook_endpoint:${WEBHOOK_ENDPOINT_ID}`,
} as const;
const TOKEN = 'v1.k1.eyJzdWIiOiJndWVzdDo3ZDJlIiwidG9waWNzIjpbIm9yZGVyOjBiNmYiXSwiaWF0IjoxLCJleHAiOjJ9.c2lnbmF0dXJl';

const product: Product = {
  id: PRODUCT_ID,
  sku: 'CUP-01',
  name: 'Espresso cup',
  description: 'Stoneware, 80 ml.',
  category: 'kitchen',
  priceMinor: 1299,
  currency: 'EUR',
  stock: 4,
  available: 3,
  imageUrl: null,
  version: 12,
  createdAt: '2026-11-20T09:00:00.000Z',
  updatedAt: '2026-11-22T10:15:02.114Z',
};

const stockChanged: LivecartEvent = {
  seq: 1058,
  epoch: EPOCH,
  type: 'stock.changed',
  topics: [EXAMPLE_TOPICS.product, EXAMPLE_TOPICS.category, 'catalog'],
  occurredAt: '2026-11-22T10:15:02.114Z',
  actor: { type: 'guest', id: null, name: 'guest' },
  data: product,
};

const productDeleted: LivecartEvent = {
  seq: 1061,
  epoch: EPOCH,
  type: 'product.deleted',
  topics: [EXAMPLE_TOPICS.product, EXAMPLE_TOPICS.category, 'catalog'],
  occurredAt: '2026-11-22T10:16:40.002Z',
  actor: { type: 'user', id: '5e8a7c6b-4d3e-4f2a-8b1c-0d9e8f7a6b5c', name: 'ada@example.com' },
  data: { id: PRODUCT_ID, sku: 'CUP-01', category: 'kitchen', version: 13 },
};

const order: Order = {
  id: ORDER_ID,
  status: 'paid',
  items: [{ productId: PRODUCT_ID, sku: 'CUP-01', name: 'Espresso cup', quantity: 2, unitPriceMinor: 1299, lineTotalMinor: 2598 }],
  currency: 'EUR',
  totalMinor: 2598,
  createdAt: '2026-11-22T10:14:00.000Z',
  updatedAt: '2026-11-22T10:15:30.000Z',
  paymentDueAt: '2026-11-22T10:29:00.000Z',
};

const orderPaid: OrderEvent = {
  seq: 1059,
  epoch: EPOCH,
  type: 'order.paid',
  topics: [EXAMPLE_TOPICS.order],
  occurredAt: '2026-11-22T10:15:30.000Z',
  actor: { type: 'system', id: null, name: 'payments' },
  data: order,
};

const cart: Cart = {
  id: CART_ID,
  currency: 'EUR',
  lines: [
    {
      productId: PRODUCT_ID,
      sku: 'CUP-01',
      name: 'Espresso cup',
      quantity: 1,
      unitPriceMinor: 1299,
      currency: 'EUR',
      lineTotalMinor: 1299,
      available: 3,
      heldUntil: '2026-11-22T10:30:02.000Z',
    },
  ],
  itemCount: 1,
  totalMinor: 1299,
  expiresAt: '2026-11-23T10:15:02.000Z',
  updatedAt: '2026-11-22T10:15:02.000Z',
};

const cartUpdated: CartUpdatedEvent = {
  seq: 1060,
  epoch: EPOCH,
  type: 'cart.updated',
  topics: [EXAMPLE_TOPICS.cart],
  occurredAt: '2026-11-22T10:15:02.000Z',
  actor: { type: 'guest', id: null, name: 'guest' },
  data: cart,
};

const webhookEndpointDisabled: WebhookEndpointDisabledEvent = {
  seq: 1062,
  epoch: EPOCH,
  type: 'webhook_endpoint.disabled',
  topics: [EXAMPLE_TOPICS.webhookEndpoint],
  occurredAt: '2026-11-23T10:15:00.000Z',
  actor: { type: 'system', id: null, name: 'webhooks' },
  data: { id: WEBHOOK_ENDPOINT_ID, failingSince: '2026-11-22T10:14:58.000Z', stuckAtSeq: 1058, lastError: 'answered 503' },
};

export interface MessageExample {
  name: string;
  summary: string;
  payload: Record<string, unknown>;
}

const example = <T extends ClientMessage | ServerMessage | Record<string, unknown>>(name: string, summary: string, payload: T): MessageExample => ({
  name,
  summary,
  payload: payload as Record<string, unknown>,
});

/** Examples per message of the document, by the message's key in `components.messages`. */
export const MESSAGE_EXAMPLES = {
  subscribe: [
    example<ClientMessage>('firstSubscribe', 'After loading a snapshot at seq 1057 (X-Event-Seq / X-Event-Epoch)', {
      type: 'subscribe',
      topics: [EXAMPLE_TOPICS.product, EXAMPLE_TOPICS.category],
      since: 1057,
      epoch: EPOCH,
      id: 's1',
    }),
    example<ClientMessage>('privateSubscribe', 'An order and a cart, with a realtime token granting both', {
      type: 'subscribe',
      topics: [EXAMPLE_TOPICS.order, EXAMPLE_TOPICS.cart],
      since: 1057,
      epoch: EPOCH,
      token: TOKEN,
      id: 's2',
    }),
  ],
  unsubscribe: [example<ClientMessage>('leaveCategory', 'Stop following a category', { type: 'unsubscribe', topics: [EXAMPLE_TOPICS.category], id: 'u1' })],
  ping: [example<ClientMessage>('ping', 'Is the server still there?', { type: 'ping', id: 'p1' })],
  welcome: [
    example<ServerMessage>('welcome', 'The first message of every connection', {
      type: 'welcome',
      protocolVersion: 1,
      instanceId: 'realtime-7c9f-1',
      seq: 1057,
      epoch: EPOCH,
      limits: { maxTopicsPerConnection: 100, maxMessagesPerSecond: 20, maxPayloadBytes: 32768, heartbeatIntervalMs: 30000 },
    }),
  ],
  subscribed: [
    example<ServerMessage>('subscribed', 'Three missed events were replayed; live from seq 1060 on', {
      type: 'subscribed',
      topics: [EXAMPLE_TOPICS.product, EXAMPLE_TOPICS.category],
      seq: 1060,
      epoch: EPOCH,
      replayed: 3,
      id: 's1',
    }),
  ],
  unsubscribed: [
    example<ServerMessage>('asked', 'The answer to `unsubscribe`', { type: 'unsubscribed', topics: [EXAMPLE_TOPICS.category], id: 'u1' }),
    example<ServerMessage>('tokenExpired', 'The token of a private topic expired', { type: 'unsubscribed', topics: [EXAMPLE_TOPICS.order], reason: 'token_expired' }),
  ],
  catalogEvent: [
    example<ServerMessage>('stockChanged', 'Stock of a product changed: the whole product follows', { type: 'event', event: stockChanged }),
    example<ServerMessage>('productDeleted', 'A product was deleted: what is left of it', { type: 'event', event: productDeleted }),
  ],
  orderEvent: [example('orderPaid', 'An order was paid: the whole order follows', { type: 'event', event: orderPaid })],
  cartEvent: [example('cartUpdated', 'A line was added: the whole cart follows', { type: 'event', event: cartUpdated })],
  webhookEndpointEvent: [
    example('webhookEndpointDisabled', 'A webhook endpoint failed for 24 hours and was disabled', { type: 'event', event: webhookEndpointDisabled }),
  ],
  batch: [example('mixed', 'Events that were ready for this connection at once, in seq order', { type: 'batch', events: [stockChanged, orderPaid, cartUpdated] })],
  reset: [
    example<ServerMessage>('historyTrimmed', '`since` is older than the retained history: refetch, then carry on', {
      type: 'reset',
      topics: [EXAMPLE_TOPICS.product],
      seq: 1060,
      epoch: EPOCH,
      reason: 'history_trimmed',
      id: 's1',
    }),
  ],
  error: [
    example<ServerMessage>('badTopic', 'A topic that does not exist', {
      type: 'error',
      code: 'bad_topic',
      message: 'topics.0: must be catalog, product:<lowercase uuid>, category:<slug>, order:<lowercase uuid>, cart:<lowercase uuid> or webhook_endpoint:<lowercase uuid>',
      id: 's1',
    }),
    example<ServerMessage>('tokenRequired', 'A private topic without a token', {
      type: 'error',
      code: 'token_required',
      message: `${EXAMPLE_TOPICS.order} is private: subscribe with a token`,
      id: 's2',
    }),
  ],
  pong: [example<ServerMessage>('pong', 'The answer to `ping`, at once', { type: 'pong', ts: 1795380009230, id: 'p1' })],
} as const satisfies Record<string, readonly MessageExample[]>;
