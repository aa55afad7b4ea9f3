import { ProductCreateSchema, ProductSchema, type ProductCreate } from '@livecart/schemas';
import type { FastifyInstance } from 'fastify';
import { etagOf } from '../../../domain/etag.js';
import { createProduct } from '../../../services/products/create-product.js';
import { errorResponses, inputSchema, outputSchema } from '../../schemas.js';
import { CATALOG_WRITE } from './access.js';

export async function createProductRoute(fastify: FastifyInstance): Promise<void> {
  fastify.post<{ Body: ProductCreate }>(
    '',
    {
      config: { access: CATALOG_WRITE, openapi: { headers: { 201: ['location', 'etag'] }, refusals: [409] } },
      schema: {
        operationId: 'createProduct',
        tags: ['products'],
        summary: 'Create a product',
        body: inputSchema(ProductCreateSchema),
        response: { 201: outputSchema(ProductSchema), ...errorResponses() },
      },
    },
    async (request, reply) => {
      const product = await createProduct({ pool: fastify.db, input: request.body, actor: request.actor });
      reply.code(201).header('location', `/v1/products/${product.id}`).header('etag', etagOf(product.version));
      return product;
    },
  );
}
