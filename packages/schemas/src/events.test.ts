import { describe, expect, it } from 'vitest';
import { EventSchema, type LivecartEvent } from './events.js';
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
