import { OrderIdParamsSchema, OrderSchema } from '@livecart/schemas';
import type { FastifyInstance } from 'fastify';
import { fulfilOrder } from '../../../services/orders/fulfil-order.js';
import { errorResponses, inputSchema, outputSchema } from '../../schemas.js';
import { ORDER_WRITE } from './access.js';

export async function fulfilOrderRoute(fastify: FastifyInstance): Promise<void> {
  fastify.post<{ Params: { id: string } }>(
    '/:id/fulfil',
    {
      config: { access: ORDER_WRITE, openapi: { refusals: [409] } },
      schema: {
        operationId: 'fulfilOrder',
        tags: ['orders'],
        summary: 'Mark a paid order fulfilled (staff: editor, or a key with orders:write)',
        description: '409 INVALID_TRANSITION unless the order is paid.',
        params: inputSchema(OrderIdParamsSchema),
        response: { 200: outputSchema(OrderSchema), ...errorResponses() },
      },
    },
    async (request) => (await fulfilOrder({ pool: fastify.db, orderId: request.params.id, actor: request.actor })).order,
  );
}
