import { serializeEvent } from '@livecart/schemas/transport';

/** Deterministic workload pieces shared by the coordinator and the client workers. */

/** mulberry32: small, fast, seedable; the same seed gives the same topics in every process. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function productId(n: number): string {
  return `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

export const productTopic = (n: number) => `product:${productId(n)}`;
export const categorySlug = (n: number) => `category-${n}`;
export const categoryTopic = (n: number) => `category:${categorySlug(n)}`;

/** `count` distinct integers in [0, range), drawn from `next`. */
export function pick(next: () => number, count: number, range: number): number[] {
  const chosen = new Set<number>();
  while (chosen.size < Math.min(count, range)) chosen.add(Math.floor(next() * range));
  return [...chosen];
}

/** A `product.updated` event in the bytes the outbox relay publishes, with occurredAt = now. */
export function productEventJson(seq: number, product: number, category: number, topics: readonly string[]): string {
  const now = new Date().toISOString();
  return serializeEvent({
    seq,
    type: 'product.updated',
    topics: [...topics],
    occurredAt: now,
    data: {
      id: productId(product),
      sku: `SKU-${product.toString().padStart(6, '0')}`,
      name: `Product ${product}`,
      description: 'A product of the benchmark catalog, with a description of realistic length.',
      category: categorySlug(category),
      priceMinor: 1000 + (seq % 9000),
      currency: 'EUR',
      stock: seq % 100,
      imageUrl: null,
      version: 1 + (seq % 1000),
      createdAt: now,
      updatedAt: now,
    },
  });
}
