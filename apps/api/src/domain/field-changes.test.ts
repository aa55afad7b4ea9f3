import type { Product } from '@livecart/schemas';
import { describe, expect, it } from 'vitest';
import { fieldChanges, productChanges } from './field-changes.js';

const product: Product = {
  id: '0b6f2a1e-3c4d-4e5f-8a9b-0c1d2e3f4a5b',
  sku: 'MUG-001',
  name: 'Blue mug',
  description: '',
  category: 'kitchen',
  priceMinor: 1299,
  currency: 'EUR',
  stock: 11,
  imageUrl: null,
  version: 4,
  createdAt: '2025-01-02T03:04:05Z',
  updatedAt: '2025-01-03T03:04:05Z',
};

describe('fieldChanges', () => {
  it('lists only the fields that changed, with both values', () => {
    const after = { ...product, priceMinor: 999, version: 5, updatedAt: '2025-01-04T00:00:00Z' };
    expect(productChanges(product, after)).toEqual([{ field: 'priceMinor', from: 1299, to: 999 }]);
  });

  it('reads a creation as every field from null and a deletion as every field to null, nulls left out', () => {
    expect(productChanges(null, product).map((c) => c.field)).toEqual(['sku', 'name', 'description', 'category', 'priceMinor', 'currency', 'stock']);
    expect(productChanges(product, null)).toContainEqual({ field: 'stock', from: 11, to: null });
  });

  it('compares lists by their items', () => {
    expect(fieldChanges({ scopes: ['a'] }, { scopes: ['a'] }, ['scopes'])).toEqual([]);
    expect(fieldChanges({ scopes: ['a'] }, { scopes: ['a', 'b'] }, ['scopes'])).toEqual([{ field: 'scopes', from: ['a'], to: ['a', 'b'] }]);
  });
});
