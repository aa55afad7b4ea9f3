import { ProductIdParamsSchema, type ProductIdParams } from '@livecart/schemas';
import type { FastifyInstance } from 'fastify';
import { expectedVersionsOf } from '../../../domain/etag.js';
import { conditionOfWrite } from '../../../http/write-preconditions.js';
import { deleteProduct } from '../../../services/products/delete-product.js';
import { errorResponses, preconditionResponses, inputSchema } from '../../schemas.js';
import { CATALOG_WRITE } from './access.js';
import { IF_MATCH_HEADERS, PREFERENCE_APPLIED_HEADERS, PRODUCT_WRITE_PRECONDITION } from './if-match.js';

export async function deleteProductRoute(fastify: FastifyInstance): Promise<void> {
  fastify.delete<{ Params: ProductIdParams; Headers: { 'if-match'?: string } }>(
    '/:id',
    {
      config: { access: CATALOG_WRITE },
      schema: {
        operationId: 'deleteProduct',
        tags: ['products'],
        summary: 'Delete a product (If-Match required: 428 without, 412 when stale)',
        params: inputSchema(ProductIdParamsSchema),
        headers: IF_MATCH_HEADERS,
        response: { 204: { type: 'null', description: 'Deleted', headers: PREFERENCE_APPLIED_HEADERS }, ...preconditionResponses(), ...errorResponses() },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const condition = conditionOfWrite(request, reply, PRODUCT_WRITE_PRECONDITION);
      const { version } = await deleteProduct({
        pool: fastify.db,
        id,
        expectedVersions: expectedVersionsOf(condition),
        actor: request.actor,
      });
      await fastify.productCache.recordWrite(id, version, null);
      return reply.code(204).send();
    },
  );
}
