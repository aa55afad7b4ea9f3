import type { Product, SystemActor } from '@livecart/schemas';
import fp from 'fastify-plugin';
import { expireCarts } from '../services/carts/expire-carts.js';
import { expireHolds } from '../services/carts/expire-holds.js';

export interface CartSweeperPluginOptions {
  intervalMs: number;
  /** Shopper sessions unused this long are deleted too (they could no longer be used anyway). */
  shopperIdleTimeoutS: number;
}

/** Who the sweeper's releases are recorded as. */
export const CART_SWEEPER_ACTOR: SystemActor = { type: 'system', id: null, name: 'cart sweeper' };

const BATCH = 200;
/** At most this many batches per sweep, so that a backlog is worked off over several ticks, not in one. */
const MAX_BATCHES = 25;

/**
 * Every instance sweeps, every CART_SWEEP_INTERVAL_MS: lapsed holds are given back, expired carts
 * removed and dead shopper sessions deleted. Row locks taken with SKIP LOCKED make concurrent sweeps (on this instance or any other) share
 * the work instead of repeating it: each hold is released once (services/carts/expire-holds.ts). A failed
 * sweep (a deadlock, Postgres away) is logged and the next tick tries again.
 */
export default fp<CartSweeperPluginOptions>(
  async (fastify, options) => {
    const log = fastify.log.child({ component: 'cart-sweeper' });
    let running: Promise<void> | undefined;
    let closing = false;
    const remember = async (products: readonly Product[]) => {
      await Promise.all(products.map((product) => fastify.productCache.recordWrite(product.id, product.version, product)));
    };
    const sweep = async () => {
      for (let batch = 0; batch < MAX_BATCHES && !closing; batch++) {
        const { released, products } = await expireHolds({ pool: fastify.db, actor: CART_SWEEPER_ACTOR, batchSize: BATCH });
        await remember(products);
        if (released < BATCH) break;
      }
      if (closing) return;
      const { products } = await expireCarts({ pool: fastify.db, actor: CART_SWEEPER_ACTOR, batchSize: BATCH });
      await remember(products);
      await fastify.db.query("DELETE FROM shopper_sessions WHERE expires_at <= now() OR last_seen_at < now() - $1 * interval '1 second'", [options.shopperIdleTimeoutS]);
    };
    const timer = setInterval(() => {
      if (running !== undefined || closing) return;
      running = sweep()
        .catch((error: unknown) => log.warn({ err: error }, 'cart sweep failed; the next one retries'))
        .finally(() => {
          running = undefined;
        });
    }, options.intervalMs);
    timer.unref();
    fastify.addHook('onClose', async () => {
      closing = true;
      clearInterval(timer);
      await running;
    });
  },
  { name: 'cart-sweeper', dependencies: ['db', 'cache'] },
);
