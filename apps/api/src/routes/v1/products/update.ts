import { ProductIdParamsSchema, ProductSchema, ProductUpdateSchema, type ProductIdParams, type ProductUpdate } from '@livecart/schemas';
import type { FastifyInstance } from 'fastify';
import { etagOf, expectedVersionsOf } from '../../../domain/etag.js';
import { conditionOfWrite } from '../../../http/write-preconditions.js';
import { updateProduct } from '../../../services/products/update-product.js';
import { errorResponses, preconditionResponses, inputSchema, outputSchema } from '../../schemas.js';
import { CATALOG_WRITE } from './access.js';
import { IF_MATCH_HEADERS, PREFERENCE_APPLIED_HEADERS, PRODUCT_WRITE_PRECONDITION } from './if-match.js';

export async function updateProductRoute(fastify: FastifyInstance): Promise<void> {
  fastify.patch<{ Params: ProductIdParams; Body: ProductUpdate; Headers: { 'if-match'?: string } }>(
    '/:id',
    {
      config: { access: CATALOG_WRITE, openapi: { headers: { 200: ['etag'] }, refusals: [409] } },
      schema: {
        operationId: 'updateProduct',
        tags: ['products'],
        summary: 'Update a product (If-Match or body.version required: 428 without, 412 when stale)',
        params: inputSchema(ProductIdParamsSchema),
        headers: IF_MATCH_HEADERS,
        body: inputSchema(ProductUpdateSchema),
        response: { 200: { ...outputSchema(ProductSchema), headers: PREFERENCE_APPLIED_HEADERS }, ...preconditionResponses(), ...errorResponses() },
      },
    },
    async (request, reply) => {
      const { version, ...changes } = request.body;
      const condition = conditionOfWrite(request, reply, PRODUCT_WRITE_PRECONDITION, version);
      const product = await updateProduct({
        pool: fastify.db,
        id: request.params.id,
        changes,
        expectedVersions: expectedVersionsOf(condition),
        actor: request.actor,
      });
      await fastify.productCache.recordWrite(product.id, product.version, product);
      reply.header('etag', etagOf(product.version));
      return product;
    },
  );
}
