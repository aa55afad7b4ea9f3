import fp from 'fastify-plugin';
import { expireOrders } from '../services/orders/expire-orders.js';

export interface OrderExpiryPluginOptions {
  sweepMs: number;
  batch: number;
}

const EXPIRY_ACTOR = { type: 'system', id: null, name: 'order expiry' } as const;

/**
 * Every instance sweeps for unpaid orders past their deadline every `sweepMs` (expireOrders is safe to run
 * anywhere at once). Sweeps start once the app is ready and stop, the running one awaited, when it closes.
 */
export default fp<OrderExpiryPluginOptions>(
  async (fastify, options) => {
    let running: Promise<void> | undefined;
    let timer: NodeJS.Timeout | undefined;
    const sweep = async () => {
      try {
        const { orderIds, products } = await expireOrders({ pool: fastify.db, limit: options.batch, actor: EXPIRY_ACTOR });
        await Promise.all(products.map((product) => fastify.productCache.recordWrite(product.id, product.version, product)));
        if (orderIds.length > 0) fastify.log.info({ expired: orderIds.length }, 'unpaid orders expired');
      } catch (error) {
        fastify.log.warn({ err: error }, 'order expiry sweep failed; the next one retries');
      }
    };
    fastify.addHook('onReady', async () => {
      timer = setInterval(() => {
        running ??= sweep().finally(() => {
          running = undefined;
        });
      }, options.sweepMs);
      timer.unref();
    });
    fastify.addHook('preClose', async () => {
      clearInterval(timer);
      await running;
    });
  },
  { name: 'order-expiry', dependencies: ['db', 'cache'] },
);
