import { ProductIdParamsSchema, ProductSchema, ProductUpdateSchema, type ProductIdParams, type ProductUpdate } from '@livecart/schemas';
import type { FastifyInstance } from 'fastify';
import { etagOf, expectedVersion } from '../../../domain/etag.js';
import { updateProduct } from '../../../services/products/update-product.js';
import { errorResponses, inputSchema, outputSchema } from '../../schemas.js';
import { CATALOG_WRITE } from './access.js';
import { IF_MATCH_HEADERS } from './if-match.js';

export async function updateProductRoute(fastify: FastifyInstance): Promise<void> {
  fastify.patch<{ Params: ProductIdParams; Body: ProductUpdate; Headers: { 'if-match'?: string } }>(
    '/:id',
    {
      config: { access: CATALOG_WRITE },
      schema: {
        tags: ['products'],
        summary: 'Update a product (If-Match or body.version → 412 when stale)',
        params: inputSchema(ProductIdParamsSchema),
        headers: IF_MATCH_HEADERS,
        body: inputSchema(ProductUpdateSchema),
        response: { 200: outputSchema(ProductSchema), ...errorResponses() },
      },
    },
    async (request, reply) => {
      const { version, ...changes } = request.body;
      const product = await updateProduct({
        pool: fastify.db,
        id: request.params.id,
        changes,
        expectedVersion: expectedVersion(request.headers['if-match'], version),
        actor: request.actor,
      });
      await fastify.productCache.recordWrite(product.id, product.version, product);
      reply.header('etag', etagOf(product.version));
      return product;
    },
  );
}
