import { ProductListQuerySchema, ProductPageSchema, type ProductListQuery } from '@livecart/schemas';
import type { FastifyInstance } from 'fastify';
import { listProducts } from '../../../services/products/list-products.js';
import { errorResponses, EVENT_EPOCH_HEADER, EVENT_SEQ_HEADER, inputSchema, outputSchema } from '../../schemas.js';

export async function listProductsRoute(fastify: FastifyInstance): Promise<void> {
  fastify.get<{ Querystring: ProductListQuery }>(
    '',
    {
      config: { openapi: { headers: { 200: ['x-event-seq', 'x-event-epoch'] } } },
      schema: {
        operationId: 'listProducts',
        tags: ['products'],
        summary: 'List products: keyset cursor pagination, filters, prefix text search, sort',
        querystring: inputSchema(ProductListQuerySchema),
        response: { 200: outputSchema(ProductPageSchema), ...errorResponses() },
      },
    },
    async (request, reply) => {
      const { appliedSeq: seq, epoch } = fastify.events;
      const page = await listProducts({ db: fastify.db, query: request.query });
      reply.header(EVENT_SEQ_HEADER, seq);
      if (epoch !== undefined) reply.header(EVENT_EPOCH_HEADER, epoch);
      return page;
    },
  );
}
