import { OrderIdParamsSchema, OrderSchema } from '@livecart/schemas';
import type { FastifyInstance } from 'fastify';
import { NotFoundError } from '../../../domain/errors.js';
import { getOrder } from '../../../services/orders/get-order.js';
import { errorResponses, EVENT_EPOCH_HEADER, EVENT_SEQ_HEADER, inputSchema, outputSchema } from '../../schemas.js';

export async function getOrderRoute(fastify: FastifyInstance): Promise<void> {
  fastify.get<{ Params: { id: string } }>(
    '/:id',
    {
      schema: {
        tags: ['orders'],
        summary: 'Get an order',
        params: inputSchema(OrderIdParamsSchema),
        response: { 200: outputSchema(OrderSchema), ...errorResponses() },
      },
    },
    async (request, reply) => {
      const { appliedSeq: seq, epoch } = fastify.events;
      const order = await getOrder({ db: fastify.db, id: request.params.id });
      if (order === null) throw new NotFoundError(`order ${request.params.id} does not exist`);
      reply.header(EVENT_SEQ_HEADER, seq);
      if (epoch !== undefined) reply.header(EVENT_EPOCH_HEADER, epoch);
      return order;
    },
  );
}
