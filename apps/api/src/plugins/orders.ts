import fp from 'fastify-plugin';
import { createOrderLink, type LinkKey, type OrderLink } from '../auth/order-link.js';

declare module 'fastify' {
  interface FastifyInstance {
    orders: OrderSettings;
  }
}

export interface OrderSettings {
  /** Mints and verifies orders' signed link tokens. */
  link: OrderLink;
  /** How long a new order waits for its payment. */
  paymentTtlMs: number;
}

export interface OrdersPluginOptions {
  linkKeys: readonly LinkKey[];
  linkTtlS: number;
  paymentTtlMs: number;
}

/** What the order routes share: the order-link keys and the payment deadline. */
export default fp<OrdersPluginOptions>(
  async (fastify, options) => {
    fastify.decorate('orders', {
      link: createOrderLink({ keys: options.linkKeys, ttlS: options.linkTtlS }),
      paymentTtlMs: options.paymentTtlMs,
    });
  },
  { name: 'orders' },
);
