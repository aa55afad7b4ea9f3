import { OrderAccessQuerySchema, OrderIdParamsSchema, OrderSchema } from '@livecart/schemas';
import type { FastifyInstance } from 'fastify';
import { authorizeOrder } from '../../../auth/order-access.js';
import { NotFoundError } from '../../../domain/errors.js';
import { getOrder } from '../../../services/orders/get-order.js';
import { errorResponses, EVENT_EPOCH_HEADER, EVENT_SEQ_HEADER, inputSchema, outputSchema } from '../../schemas.js';
import { ORDER_READ } from './access.js';

export async function getOrderRoute(fastify: FastifyInstance): Promise<void> {
  fastify.get<{ Params: { id: string } }>(
    '/:id',
    {
      config: { access: ORDER_READ, openapi: { headers: { 200: ['x-event-seq', 'x-event-epoch'] } } },
      schema: {
        operationId: 'getOrder',
        tags: ['orders'],
        summary: 'Get an order: with its link token, or as staff (orders:read); anyone else is answered 404',
        params: inputSchema(OrderIdParamsSchema),
        querystring: inputSchema(OrderAccessQuerySchema),
        response: { 200: outputSchema(OrderSchema), ...errorResponses() },
      },
    },
    async (request, reply) => {
      await authorizeOrder({ request, orderId: request.params.id, link: fastify.orders.link });
      const { appliedSeq: seq, epoch } = fastify.events;
      const order = await getOrder({ db: fastify.db, id: request.params.id });
      if (order === null) throw new NotFoundError(`order ${request.params.id} does not exist`);
      reply.header(EVENT_SEQ_HEADER, seq).header('cache-control', 'private, no-store');
      if (epoch !== undefined) reply.header(EVENT_EPOCH_HEADER, epoch);
      return order;
    },
  );
}
