import { randomUUID } from 'node:crypto';
import type { LivecartEvent, Product } from '@livecart/schemas';

/** A stable product id per small integer, so tests can name topics `product:<id>` by number. */
export function productId(n: number): string {
  return `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

export function product(overrides: Partial<Product> = {}): Product {
  const now = new Date().toISOString();
  return {
    id: randomUUID(),
    sku: 'SKU-0001',
    name: 'Espresso cup',
    description: '',
    category: 'kitchen',
    priceMinor: 1299,
    currency: 'EUR',
    stock: 10,
    imageUrl: null,
    version: 1,
    createdAt: now,
    updatedAt: now,
    ...overrides,
  };
}

/** A `product.updated` event for product `id`, visible under its product, its category and the catalog. */
export function productUpdated(
  seq: number,
  options: { id?: string; category?: string; topics?: string[]; description?: string } = {},
): LivecartEvent {
  const data = product({
    id: options.id ?? productId(1),
    category: options.category ?? 'kitchen',
    description: options.description ?? '',
    version: seq,
  });
  return {
    seq,
    type: 'product.updated',
    topics: options.topics ?? [`product:${data.id}`, `category:${data.category}`, 'catalog'],
    occurredAt: new Date().toISOString(),
    data,
  };
}
