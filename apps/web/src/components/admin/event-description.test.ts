import type { LivecartEvent } from '@livecart/schemas/events';
import type { Product } from '@livecart/schemas/product';
import { describe, expect, it } from 'vitest';
import { describeActor, describeEvent } from './event-description';

const product: Product = {
  id: '0b6f2a1e-3c4d-4e5f-8a9b-0c1d2e3f4a5b',
  sku: 'MUG-001',
  name: 'Blue mug',
  description: '',
  category: 'kitchen',
  priceMinor: 1200,
  currency: 'EUR',
  stock: 11,
  imageUrl: null,
  version: 4,
  createdAt: '2026-01-02T03:04:05.000Z',
  updatedAt: '2026-01-03T03:04:05.000Z',
};
const head = { seq: 7, topics: ['catalog' as const], occurredAt: '2026-01-03T03:04:05.000Z' };
const updated = (data: Product, actor?: LivecartEvent['actor']): LivecartEvent => ({ ...head, type: 'product.updated', data, ...(actor ? { actor } : {}) });

describe('describeEvent', () => {
  it('says what changed since the previous state the feed saw', () => {
    expect(describeEvent(updated({ ...product, priceMinor: 1000, version: 5 }), product)).toBe('Blue mug: price €12.00 → €10.00');
    expect(describeEvent({ ...head, type: 'stock.changed', data: { ...product, stock: 9 } }, product)).toBe('Blue mug: stock 11 → 9');
  });

  it('gives the new state when it has nothing to compare with, and names deletions and creations', () => {
    expect(describeEvent(updated(product), undefined)).toBe('Blue mug: €12.00, 11 in stock');
    expect(describeEvent({ ...head, type: 'product.created', data: product }, undefined)).toBe('Blue mug created: €12.00, 11 in stock');
    expect(describeEvent({ ...head, type: 'product.deleted', data: { id: product.id, sku: 'MUG-001', category: 'kitchen', version: 5 } }, product)).toBe('MUG-001 deleted');
  });
});

describe('describeActor', () => {
  it("names who made the change, and nothing for an event that does not say", () => {
    expect(describeActor(updated(product, { type: 'user', id: product.id, name: 'Ada Admin' }))).toBe('by Ada Admin');
    expect(describeActor(updated(product, { type: 'guest', id: null, name: 'guest' }))).toBe('by guest');
    expect(describeActor(updated(product))).toBeUndefined();
  });
});
