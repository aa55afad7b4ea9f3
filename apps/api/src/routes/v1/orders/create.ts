import { OrderCreateHeadersSchema, OrderCreateSchema, OrderSchema, type OrderCreate } from '@livecart/schemas';
import type { FastifyInstance } from 'fastify';
import { placeOrder } from '../../../services/orders/place-order.js';
import { errorResponses, inputSchema, outputSchema } from '../../schemas.js';

export async function createOrderRoute(fastify: FastifyInstance): Promise<void> {
  fastify.post<{ Body: OrderCreate; Headers: { 'idempotency-key'?: string } }>(
    '',
    {
      schema: {
        tags: ['orders'],
        summary: 'Place an order; public, like any shop checkout (Idempotency-Key: a retry gets the first result)',
        headers: inputSchema(OrderCreateHeadersSchema),
        body: inputSchema(OrderCreateSchema),
        response: { 201: outputSchema(OrderSchema), ...errorResponses() },
      },
    },
    async (request, reply) => {
      const { order, products, replayed } = await placeOrder({
        pool: fastify.db,
        items: request.body.items,
        idempotencyKey: request.headers['idempotency-key'],
        actor: request.actor,
      });
      await Promise.all(products.map((product) => fastify.productCache.recordWrite(product.id, product.version, product)));
      reply.code(201).header('location', `/v1/orders/${order.id}`);
      if (replayed) reply.header('idempotent-replayed', 'true');
      return order;
    },
  );
}
