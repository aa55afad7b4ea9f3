import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/**
 * OpenAPI 3.1 built by @fastify/swagger from the route schemas (the same ones Ajv and the serializers
 * use). Registered at the root, before any route, so that every route is seen.
 */
export default fp(
  async (fastify) => {
    await fastify.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'livecart API',
          version: '1',
          description: 'Catalog, stock and orders. Reads are public; writes need `Authorization: Bearer <admin token>`.',
        },
        tags: [
          { name: 'products', description: 'The catalog' },
          { name: 'orders', description: 'Orders decrement stock atomically' },
          { name: 'operations', description: 'Probes' },
        ],
        components: {
          securitySchemes: { adminToken: { type: 'http', scheme: 'bearer', description: 'ADMIN_TOKEN' } },
        },
      },
    });
  },
  { name: 'swagger' },
);

/** The interactive page at /docs and the document at /docs/json. */
export async function docsUi(fastify: FastifyInstance): Promise<void> {
  await fastify.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
}
