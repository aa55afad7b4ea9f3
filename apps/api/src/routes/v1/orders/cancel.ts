import { OrderAccessQuerySchema, OrderIdParamsSchema, OrderSchema } from '@livecart/schemas';
import type { FastifyInstance } from 'fastify';
import { authorizeOrder } from '../../../auth/order-access.js';
import { cancelOrder } from '../../../services/orders/cancel-order.js';
import { errorResponses, inputSchema, outputSchema } from '../../schemas.js';
import { ORDER_OWNER_WRITE } from './access.js';

export async function cancelOrderRoute(fastify: FastifyInstance): Promise<void> {
  fastify.post<{ Params: { id: string } }>(
    '/:id/cancel',
    {
      config: { access: ORDER_OWNER_WRITE, openapi: { refusals: [409] } },
      onRequest: fastify.limitOrders,
      schema: {
        operationId: 'cancelOrder',
        tags: ['orders'],
        summary: 'Cancel an order that waits for its payment, or a paid one (its payment is refunded); its stock goes back',
        description: '409 INVALID_TRANSITION once it is fulfilled, cancelled or expired (details: its status and the attempted one).',
        params: inputSchema(OrderIdParamsSchema),
        querystring: inputSchema(OrderAccessQuerySchema),
        response: { 200: outputSchema(OrderSchema), ...errorResponses() },
      },
    },
    async (request) => {
      await authorizeOrder({ request, orderId: request.params.id, link: fastify.orders.link });
      const { order, products } = await cancelOrder({ pool: fastify.db, providers: fastify.payments, orderId: request.params.id, actor: request.actor });
      await Promise.all(products.map((product) => fastify.productCache.recordWrite(product.id, product.version, product)));
      return order;
    },
  );
}
