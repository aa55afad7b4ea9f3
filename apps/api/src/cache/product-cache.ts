import type { Product } from '@livecart/schemas';
import { LRUCache } from 'lru-cache';
import { etagOf } from '../domain/etag.js';
import type { L2Store } from './l2-store.js';
import { SingleFlight } from './single-flight.js';

export interface CachedProduct {
  product: Product;
  etag: string;
  /** The product as JSON: made by the read route's serializer on first send, then reused on every hit. */
  serialized?: SerializedProduct;
}

export interface SerializedProduct {
  json: string;
  /** Its length in UTF-8 bytes (not characters). */
  byteLength: number;
}

export interface CacheStats {
  l1Hits: number;
  l1Misses: number;
  l2Hits: number;
  l2Misses: number;
  l2Errors: number;
  dbLoads: number;
}

export interface ProductCacheOptions {
  maxEntries: number;
  ttlMs: number;
  /** Absent when the cache runs without Redis (then L1 sits directly on Postgres). */
  l2?: L2Store;
  loadFromDb: (id: string) => Promise<Product | null>;
  onL2Error?: (error: unknown) => void;
  /** Told every product this instance wrote, as committed (the sold-out board follows them). */
  onWrite?: (product: Product) => void;
}

/**
 * L1 (in-process LRU) → L2 (Redis) → Postgres, with concurrent misses for a key coalesced into one load.
 *
 * lru-cache rather than a multi-tier library (e.g. bentocache): the warm path must stay synchronous
 * (`peek` does not await), and the tiered libraries answer through a promise on every hit, peer on
 * ioredis 5 (we run 6), and have no "write only if newer" for L2. The layer above L1 is small enough
 * to keep here.
 *
 * Coherence: the event consumer calls `invalidate` for every change (on every instance). A load that
 * was running when its key was invalidated still answers its waiters, but does not fill L1.
 */
export class ProductCache {
  readonly stats: CacheStats = { l1Hits: 0, l1Misses: 0, l2Hits: 0, l2Misses: 0, l2Errors: 0, dbLoads: 0 };
  private readonly l1: LRUCache<string, CachedProduct>;
  private readonly flights = new SingleFlight<string, CachedProduct | null>();
  /** Off while the event stream is unreachable: L1 could then miss invalidations. */
  private l1Enabled = true;

  constructor(private readonly options: ProductCacheOptions) {
    this.l1 = new LRUCache({ max: options.maxEntries, ttl: options.ttlMs, ttlAutopurge: false });
  }

  /** The warm path: synchronous, no allocation. */
  peek(id: string): CachedProduct | undefined {
    const entry = this.lookup(id);
    if (entry === undefined) this.stats.l1Misses++;
    else this.stats.l1Hits++;
    return entry;
  }

  /**
   * `peek` without counting, for a caller that may still hand the request to `peek` (the fast lane):
   * it counts what it serves itself with `countL1Hit`, so each request is counted once.
   */
  lookup(id: string): CachedProduct | undefined {
    return this.l1Enabled ? this.l1.get(id) : undefined;
  }

  countL1Hit(): void {
    this.stats.l1Hits++;
  }

  /** Reads through L2 and Postgres; null when the product does not exist. */
  load(id: string): Promise<CachedProduct | null> {
    return this.flights.run(id, async (isCurrent) => {
      const entry = await this.loadThrough(id);
      if (entry !== null && this.l1Enabled && isCurrent()) this.l1.set(id, entry);
      return entry;
    });
  }

  /**
   * Read-your-writes on the writing instance: after a commit, L1 forgets the product and L2 gets the
   * new state (or a tombstone) at once instead of when the relay catches up. Versioned like every L2
   * write, so it can never replace something newer. A Redis failure only delays this to the relay.
   */
  async recordWrite(id: string, version: number, product: Product | null): Promise<void> {
    this.invalidate(id);
    if (product !== null) this.options.onWrite?.(product);
    const { l2 } = this.options;
    if (l2 === undefined) return;
    try {
      await l2.setIfNewer(id, version, product);
    } catch (error) {
      this.stats.l2Errors++;
      this.options.onL2Error?.(error);
    }
  }

  invalidate(id: string): void {
    this.l1.delete(id);
    this.flights.forget(id);
  }

  clear(): void {
    this.l1.clear();
    this.flights.forgetAll();
  }

  /** Turning L1 off also empties it: entries kept while blind to events could be stale when it comes back. */
  setL1Enabled(enabled: boolean): void {
    if (!enabled) this.clear();
    this.l1Enabled = enabled;
  }

  get l1Size(): number {
    return this.l1.size;
  }

  private async loadThrough(id: string): Promise<CachedProduct | null> {
    const { l2 } = this.options;
    if (l2 !== undefined) {
      try {
        const hit = await l2.get(id);
        if (hit !== undefined) {
          this.stats.l2Hits++;
          return hit.product === null ? null : { product: hit.product, etag: etagOf(hit.product.version) };
        }
        this.stats.l2Misses++;
      } catch (error) {
        this.stats.l2Errors++;
        this.options.onL2Error?.(error);
      }
    }
    this.stats.dbLoads++;
    const product = await this.options.loadFromDb(id);
    if (product === null) return null;
    if (l2 !== undefined) {
      l2.setIfNewer(id, product.version, product).catch((error: unknown) => {
        this.stats.l2Errors++;
        this.options.onL2Error?.(error);
      });
    }
    return { product, etag: etagOf(product.version) };
  }
}
