import type { FastifyInstance } from 'fastify';
import { createOrderRoute } from './create.js';
import { getOrderRoute } from './get.js';

export async function orderRoutes(fastify: FastifyInstance): Promise<void> {
  await fastify.register(createOrderRoute);
  await fastify.register(getOrderRoute);
}
