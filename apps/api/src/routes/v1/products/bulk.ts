import { BulkProductUpdateResultSchema, BulkProductUpdateSchema, type BulkProductUpdate, type BulkProductUpdateResult } from '@livecart/schemas';
import type { FastifyInstance } from 'fastify';
import { bulkUpdateProducts } from '../../../services/products/bulk-update-products.js';
import { errorResponses, inputSchema, outputSchema } from '../../schemas.js';
import { CATALOG_WRITE } from './access.js';

export async function bulkUpdateProductsRoute(fastify: FastifyInstance): Promise<void> {
  fastify.post<{ Body: BulkProductUpdate }>(
    '/bulk',
    {
      config: { access: CATALOG_WRITE, openapi: { refusals: [409, 422] } },
      schema: {
        operationId: 'bulkUpdateProducts',
        tags: ['products'],
        summary: 'Update price and stock of many products in one transaction (all or nothing)',
        body: inputSchema(BulkProductUpdateSchema),
        response: { 200: outputSchema(BulkProductUpdateResultSchema), ...errorResponses() },
      },
    },
    async (request): Promise<BulkProductUpdateResult> => {
      const items = await bulkUpdateProducts({ pool: fastify.db, items: request.body.items, actor: request.actor });
      await Promise.all(items.map((product) => fastify.productCache.recordWrite(product.id, product.version, product)));
      return { items };
    },
  );
}
