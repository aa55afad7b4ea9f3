import { ProductIdParamsSchema, type ProductIdParams } from '@livecart/schemas';
import type { FastifyInstance } from 'fastify';
import { expectedVersion } from '../../../domain/etag.js';
import { deleteProduct } from '../../../services/products/delete-product.js';
import { errorResponses, inputSchema } from '../../schemas.js';
import { CATALOG_WRITE } from './access.js';
import { IF_MATCH_HEADERS } from './if-match.js';

export async function deleteProductRoute(fastify: FastifyInstance): Promise<void> {
  fastify.delete<{ Params: ProductIdParams; Headers: { 'if-match'?: string } }>(
    '/:id',
    {
      config: { access: CATALOG_WRITE },
      schema: {
        tags: ['products'],
        summary: 'Delete a product (If-Match honoured)',
        params: inputSchema(ProductIdParamsSchema),
        headers: IF_MATCH_HEADERS,
        response: { 204: { type: 'null', description: 'Deleted' }, ...errorResponses() },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const { version } = await deleteProduct({
        pool: fastify.db,
        id,
        expectedVersion: expectedVersion(request.headers['if-match'], undefined),
        actor: request.actor,
      });
      await fastify.productCache.recordWrite(id, version, null);
      return reply.code(204).send();
    },
  );
}
