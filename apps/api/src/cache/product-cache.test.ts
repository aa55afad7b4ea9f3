import type { Product } from '@livecart/schemas';
import { describe, expect, it } from 'vitest';
import type { L2Entry, L2Store } from './l2-store.js';
import { ProductCache } from './product-cache.js';

const ID = '3f0c1b9e-1111-4abc-8def-0123456789ab';
const product = (version: number): Product => ({
  id: ID,
  sku: 'SKU-1',
  name: 'Mug',
  description: '',
  category: 'kitchen',
  priceMinor: 900,
  currency: 'EUR',
  stock: 3,
  imageUrl: null,
  version,
  createdAt: '2025-01-01T00:00:00.000Z',
  updatedAt: '2025-01-01T00:00:00.000Z',
});

function fakeL2(initial?: L2Entry, failing = false) {
  const writes: [number, Product | null][] = [];
  let stored = initial;
  const l2 = {
    get: async () => {
      if (failing) throw new Error('redis down');
      return stored;
    },
    setIfNewer: async (_id: string, version: number, value: Product | null) => {
      if (failing) throw new Error('redis down');
      writes.push([version, value]);
      if (stored === undefined || stored.version < version) stored = { version, product: value };
    },
  } as unknown as L2Store;
  return { l2, writes };
}

describe('ProductCache', () => {
  it('serves L1 synchronously once loaded, and coalesces concurrent misses into one database load', async () => {
    let loads = 0;
    const cache = new ProductCache({ maxEntries: 10, ttlMs: 60_000, loadFromDb: async () => (loads++, product(1)) });
    expect(cache.peek(ID)).toBeUndefined();
    const results = await Promise.all(Array.from({ length: 50 }, () => cache.load(ID)));
    expect(loads).toBe(1);
    expect(results.every((entry) => entry?.product.version === 1)).toBe(true);
    expect(cache.peek(ID)?.etag).toBe('"1"');
    expect(cache.stats).toMatchObject({ l1Hits: 1, l1Misses: 1, dbLoads: 1 });
  });

  it('reads L2 before Postgres and writes what it loaded from Postgres back to L2', async () => {
    const hit = fakeL2({ version: 4, product: product(4) });
    let loads = 0;
    const cached = new ProductCache({ maxEntries: 10, ttlMs: 60_000, l2: hit.l2, loadFromDb: async () => (loads++, product(1)) });
    expect((await cached.load(ID))?.product.version).toBe(4);
    expect(loads).toBe(0);

    const miss = fakeL2();
    const filled = new ProductCache({ maxEntries: 10, ttlMs: 60_000, l2: miss.l2, loadFromDb: async () => product(2) });
    await filled.load(ID);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(miss.writes).toEqual([[2, product(2)]]);
  });

  it('a tombstone in L2 reads as not found', async () => {
    const { l2 } = fakeL2({ version: 5, product: null });
    const cache = new ProductCache({ maxEntries: 10, ttlMs: 60_000, l2, loadFromDb: async () => product(4) });
    expect(await cache.load(ID)).toBeNull();
  });

  it('falls back to Postgres when L2 fails, counting the error', async () => {
    const { l2 } = fakeL2(undefined, true);
    const cache = new ProductCache({ maxEntries: 10, ttlMs: 60_000, l2, loadFromDb: async () => product(1) });
    expect((await cache.load(ID))?.product.version).toBe(1);
    expect(cache.stats.l2Errors).toBeGreaterThan(0);
  });

  it('a load that an invalidation overtook answers its callers but does not fill L1', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let version = 1;
    const cache = new ProductCache({
      maxEntries: 10,
      ttlMs: 60_000,
      loadFromDb: async () => {
        const seen = version;
        await gate;
        return product(seen);
      },
    });
    const slow = cache.load(ID);
    await new Promise((resolve) => setTimeout(resolve, 0));
    version = 2;
    cache.invalidate(ID);
    release();
    expect((await slow)?.product.version).toBe(1);
    expect(cache.peek(ID)).toBeUndefined();
    expect((await cache.load(ID))?.product.version).toBe(2);
    expect(cache.peek(ID)?.product.version).toBe(2);
  });

  it('with L1 off, every read goes through; turning it off empties it', async () => {
    const cache = new ProductCache({ maxEntries: 10, ttlMs: 60_000, loadFromDb: async () => product(1) });
    await cache.load(ID);
    cache.setL1Enabled(false);
    expect(cache.peek(ID)).toBeUndefined();
    await cache.load(ID);
    expect(cache.l1Size).toBe(0);
    cache.setL1Enabled(true);
    expect(cache.peek(ID)).toBeUndefined();
  });

  it('recordWrite drops L1 and writes the new state to L2', async () => {
    const { l2, writes } = fakeL2();
    const cache = new ProductCache({ maxEntries: 10, ttlMs: 60_000, l2, loadFromDb: async () => product(1) });
    await cache.load(ID);
    await cache.recordWrite(ID, 3, null);
    expect(cache.peek(ID)).toBeUndefined();
    expect(writes.at(-1)).toEqual([3, null]);
  });
});
