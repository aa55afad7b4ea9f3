import fp from 'fastify-plugin';
import { L2Store } from '../cache/l2-store.js';
import { ProductCache } from '../cache/product-cache.js';
import { SoldOutBoard } from '../cache/sold-out-board.js';
import { getProduct } from '../services/products/get-product.js';

declare module 'fastify' {
  interface FastifyInstance {
    productCache: ProductCache;
    l2Store: L2Store;
    /** Products known to be sold out, refused before the pool (see SoldOutBoard); on with L1. */
    soldOut: SoldOutBoard;
  }
}

export interface CachePluginOptions {
  prefix: string;
  l1MaxEntries: number;
  l1TtlMs: number;
  l2TtlMs: number;
}

export default fp<CachePluginOptions>(
  async (fastify, options) => {
    const l2 = new L2Store(fastify.redis, options.prefix, options.l2TtlMs);
    const soldOut = new SoldOutBoard();
    const cache = new ProductCache({
      maxEntries: options.l1MaxEntries,
      ttlMs: options.l1TtlMs,
      l2,
      loadFromDb: (id) => getProduct({ db: fastify.db, id }),
      onWrite: (product) => soldOut.note(product),
    });
    fastify.decorate('l2Store', l2);
    fastify.decorate('productCache', cache);
    fastify.decorate('soldOut', soldOut);
  },
  { name: 'cache', dependencies: ['db', 'redis'] },
);
