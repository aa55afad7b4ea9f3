import type { FastifyInstance } from 'fastify';
import { bulkUpdateProductsRoute } from './bulk.js';
import { createProductRoute } from './create.js';
import { deleteProductRoute } from './delete.js';
import { listProductsRoute } from './list.js';
import { repriceCategoryRoute } from './reprice.js';
import { updateProductRoute } from './update.js';

/** Every product route but the hot read (see get.ts), inside the helmet and CORS scope. */
export async function productRoutes(fastify: FastifyInstance): Promise<void> {
  await fastify.register(listProductsRoute);
  await fastify.register(createProductRoute);
  await fastify.register(updateProductRoute);
  await fastify.register(deleteProductRoute);
  await fastify.register(bulkUpdateProductsRoute);
  await fastify.register(repriceCategoryRoute);
}
