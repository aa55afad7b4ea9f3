import { describe, expect, it } from 'vitest';
import { EventSchema, isCatalogEvent, ORDER_EVENT_TYPES, orderEventType, PublishedEventSchema, type LivecartEvent } from './events.js';
import { ORDER_STATUSES } from './order.js';
import { sampleProduct } from '../test/fixtures.js';

const product = sampleProduct;

const base = {
  seq: 1042,
  topics: [`product:${product.id}`, 'category:kitchen', 'catalog'],
  occurredAt: '2025-01-03T03:04:05Z',
};

describe('EventSchema', () => {
  it.each(['product.created', 'product.updated', 'stock.changed'] as const)(
    'parses a %s event carrying the whole product',
    (type) => {
      const event = EventSchema.parse({ ...base, type, data: product });
      expect(event.type).toBe(type);
      expect(event.data).toEqual(product);
    },
  );

  it('parses a product.deleted event carrying what identifies the product', () => {
    const data = { id: product.id, sku: product.sku, category: product.category, version: 5 };
    expect(EventSchema.parse({ ...base, type: 'product.deleted', data })).toEqual({
      ...base,
      type: 'product.deleted',
      data,
    });
  });

  it('picks the payload shape by `type`', () => {
    const deletedData = { id: product.id, sku: product.sku, category: product.category, version: 5 };
    // a deletion's payload is not enough for a stock change...
    expect(EventSchema.safeParse({ ...base, type: 'stock.changed', data: deletedData }).success).toBe(false);
    // ...and a full product under product.deleted is read as the deletion shape
    const parsed = EventSchema.parse({ ...base, type: 'product.deleted', data: product });
    expect(parsed.data).toEqual({ ...deletedData, version: product.version });
  });

  it('rejects an unknown type and says the discriminator is wrong', () => {
    const result = EventSchema.safeParse({ ...base, type: 'price.changed', data: product });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['type']);
  });

  it('narrows the TypeScript type by `type`', () => {
    const event: LivecartEvent = EventSchema.parse({ ...base, type: 'stock.changed', data: product });
    const stock = event.type === 'product.deleted' ? null : event.data.stock;
    expect(stock).toBe(11);
  });

  it('needs a positive seq and 1 to 8 valid topics', () => {
    const ok = { ...base, type: 'product.updated', data: product };
    expect(EventSchema.safeParse({ ...ok, seq: 0 }).success).toBe(false);
    expect(EventSchema.safeParse({ ...ok, seq: 1.5 }).success).toBe(false);
    expect(EventSchema.safeParse({ ...ok, topics: [] }).success).toBe(false);
    expect(EventSchema.safeParse({ ...ok, topics: Array(9).fill('catalog') }).success).toBe(false);
    expect(EventSchema.safeParse({ ...ok, topics: ['product:1'] }).success).toBe(false);
  });
});

describe('order events (0.6.0)', () => {
  const order = {
    id: '1c6f2a1e-3c4d-4e5f-8a9b-0c1d2e3f4a5b',
    status: 'paid',
    items: [{ productId: product.id, sku: product.sku, name: product.name, quantity: 1, unitPriceMinor: 100, lineTotalMinor: 100 }],
    currency: 'EUR',
    totalMinor: 100,
    createdAt: '2025-01-02T03:04:05Z',
    updatedAt: '2025-01-02T03:05:05Z',
    paymentDueAt: '2025-01-02T03:19:05Z',
  };
  const orderBase = { ...base, topics: [`order:${order.id}`] };

  it('names one event type per status, order.<status>', () => {
    expect(ORDER_EVENT_TYPES).toEqual(ORDER_STATUSES.map((status) => `order.${status}`));
    expect(orderEventType('pending_payment')).toBe('order.pending_payment');
  });

  it.each(ORDER_EVENT_TYPES)('publishes a %s event carrying the whole order on its private topic', (type) => {
    const event = PublishedEventSchema.parse({ ...orderBase, type, data: order });
    expect(event.data).toEqual(order);
    expect(isCatalogEvent(event)).toBe(false);
  });

  it('keeps order events out of EventSchema, what the public topics carry, and catalog events in both', () => {
    expect(EventSchema.safeParse({ ...orderBase, type: 'order.paid', data: order }).success).toBe(false);
    const stock = PublishedEventSchema.parse({ ...base, type: 'stock.changed', data: product });
    expect(isCatalogEvent(stock)).toBe(true);
  });

  it('refuses an order event carrying a product, on a public topic, or on more than its own topic', () => {
    expect(PublishedEventSchema.safeParse({ ...orderBase, type: 'order.paid', data: product }).success).toBe(false);
    expect(PublishedEventSchema.safeParse({ ...orderBase, topics: ['catalog'], type: 'order.paid', data: order }).success).toBe(false);
    expect(PublishedEventSchema.safeParse({ ...orderBase, topics: [`order:${order.id}`, 'catalog'], type: 'order.paid', data: order }).success).toBe(false);
    expect(PublishedEventSchema.safeParse({ ...orderBase, topics: ['order:not-a-uuid'], type: 'order.paid', data: order }).success).toBe(false);
  });
});

describe('EventSchema actor (0.2.0)', () => {
  const event = { ...base, type: 'product.updated', data: product };
  const actor = { type: 'api_key', id: '5b0f3c1e-7a2d-4e8f-9a1b-2c3d4e5f6a7b', name: 'nightly import' } as const;

  it('carries who made the change', () => {
    expect(EventSchema.parse({ ...event, actor }).actor).toEqual(actor);
    expect(EventSchema.parse({ ...event, type: 'product.deleted', data: { id: product.id, sku: product.sku, category: product.category, version: 5 }, actor }).actor).toEqual(actor);
  });

  it('still accepts events without one, as 0.1.0 producers wrote them', () => {
    const parsed = EventSchema.parse(event);
    expect(parsed.actor).toBeUndefined();
    expect('actor' in parsed).toBe(false);
  });

  it('refuses an actor that is not one', () => {
    const result = EventSchema.safeParse({ ...event, actor: { type: 'user', id: null, name: 'someone' } });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path.slice(0, 2)).toEqual(['actor', 'id']);
  });
});

describe('cart.updated', () => {
  const cart = {
    id: '3f1c2b9e-8d4a-4c1e-9f2a-1b2c3d4e5f60',
    currency: 'EUR',
    lines: [],
    itemCount: 0,
    totalMinor: 0,
    expiresAt: '2025-01-03T03:04:05Z',
    updatedAt: '2025-01-03T03:04:05Z',
  };
  const cartBase = { ...base, topics: [`cart:${cart.id}`] };

  it('publishes the whole cart on its private topic', () => {
    const event = PublishedEventSchema.parse({ ...cartBase, type: 'cart.updated', data: cart });
    expect(event.data).toEqual(cart);
    expect(isCatalogEvent(event)).toBe(false);
  });

  it('refuses a cart event on a public topic, an order topic or more than its own topic', () => {
    expect(PublishedEventSchema.safeParse({ ...cartBase, topics: ['catalog'], type: 'cart.updated', data: cart }).success).toBe(false);
    expect(PublishedEventSchema.safeParse({ ...cartBase, topics: [`order:${cart.id}`], type: 'cart.updated', data: cart }).success).toBe(false);
    expect(PublishedEventSchema.safeParse({ ...cartBase, topics: [`cart:${cart.id}`, 'catalog'], type: 'cart.updated', data: cart }).success).toBe(false);
    expect(EventSchema.safeParse({ ...cartBase, type: 'cart.updated', data: cart }).success).toBe(false);
  });
});
