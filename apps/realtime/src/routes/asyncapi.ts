import { createHash } from 'node:crypto';
import { buildAsyncApiDocument } from '@livecart/schemas/asyncapi';
import type { FastifyInstance } from 'fastify';
import { ifNoneMatchHits } from '../http/if-none-match.js';

/** Public and the same for every client: caches may keep it a while, and revalidate by ETag after. */
const CACHE_CONTROL = 'public, max-age=300';

/**
 * GET /asyncapi.json: the AsyncAPI 3.0 document of this server's protocol, built once at startup from
 * @livecart/schemas with the configured public URL. A strong ETag from its bytes answers If-None-Match
 * with 304; any origin may read it (docs tools and generators run in browsers too).
 */
export async function asyncApiRoutes(app: FastifyInstance, options: { publicUrl: string }): Promise<void> {
  const body = JSON.stringify(buildAsyncApiDocument({ serverUrl: options.publicUrl }));
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 32)}"`;

  app.get('/asyncapi.json', async (request, reply) => {
    reply.header('etag', etag).header('cache-control', CACHE_CONTROL).header('access-control-allow-origin', '*');
    if (ifNoneMatchHits(request.headers['if-none-match'], etag)) return reply.code(304).send();
    return reply.type('application/json; charset=utf-8').send(body);
  });
}
