import type { FastifyInstance } from 'fastify';
import { orderRoutes } from './orders/index.js';
import { productRoutes } from './products/index.js';

export async function v1Routes(fastify: FastifyInstance): Promise<void> {
  fastify.applyRateLimit(fastify);
  await fastify.register(productRoutes, { prefix: '/products' });
  await fastify.register(orderRoutes, { prefix: '/orders' });
}
