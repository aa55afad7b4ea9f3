import type { RealtimeTokenKeyRing } from '@livecart/schemas/realtime-token-signing';
import type { FastifyInstance } from 'fastify';
import { apiKeyRoutes } from './api-keys/index.js';
import { auditRoutes } from './audit/index.js';
import { authRoutes } from './auth/index.js';
import { cartRoutes } from './carts/index.js';
import { checkoutRoutes } from './checkout/index.js';
import { customerAuthRoutes, customerRoutes } from './customers/index.js';
import { orderRoutes } from './orders/index.js';
import { paymentRoutes } from './payments/index.js';
import { productRoutes } from './products/index.js';
import { realtimeRoutes } from './realtime/index.js';
import { staffUserRoutes } from './staff-users/index.js';
import { webhookEndpointRoutes } from './webhook-endpoints/index.js';

export interface V1RoutesOptions {
  realtimeTokenKeys: RealtimeTokenKeyRing;
}

export async function v1Routes(fastify: FastifyInstance, options: V1RoutesOptions): Promise<void> {
  fastify.applyRateLimit(fastify);
  await fastify.register(productRoutes, { prefix: '/products' });
  await fastify.register(orderRoutes, { prefix: '/orders' });
  await fastify.register(paymentRoutes, { prefix: '/payments' });
  await fastify.register(authRoutes, { prefix: '/auth' });
  await fastify.register(staffUserRoutes, { prefix: '/staff-users' });
  await fastify.register(apiKeyRoutes, { prefix: '/api-keys' });
  await fastify.register(auditRoutes, { prefix: '/audit' });
  await fastify.register(webhookEndpointRoutes, { prefix: '/webhook-endpoints' });
  await fastify.register(realtimeRoutes, { prefix: '/realtime', tokenKeys: options.realtimeTokenKeys });
  await fastify.register(cartRoutes, { prefix: '/carts' });
  await fastify.register(checkoutRoutes, { prefix: '/checkout' });
  await fastify.register(customerRoutes, { prefix: '/customers' });
  await fastify.register(customerAuthRoutes, { prefix: '/customer-auth' });
}
