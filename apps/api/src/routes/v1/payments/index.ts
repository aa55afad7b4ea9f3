import type { FastifyInstance } from 'fastify';
import { paymentWebhookRoute } from './webhook.js';

export async function paymentRoutes(fastify: FastifyInstance): Promise<void> {
  await fastify.register(paymentWebhookRoute);
}
