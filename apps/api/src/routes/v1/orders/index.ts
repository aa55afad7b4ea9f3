import type { FastifyInstance } from 'fastify';
import { cancelOrderRoute } from './cancel.js';
import { createOrderRoute } from './create.js';
import { fulfilOrderRoute } from './fulfil.js';
import { getOrderRoute } from './get.js';
import { payOrderRoute } from './pay.js';

export async function orderRoutes(fastify: FastifyInstance): Promise<void> {
  await fastify.register(createOrderRoute);
  await fastify.register(getOrderRoute);
  await fastify.register(payOrderRoute);
  await fastify.register(cancelOrderRoute);
  await fastify.register(fulfilOrderRoute);
}
