import fp from 'fastify-plugin';
import { setHeaderList } from '../http/header-list.js';
import type { ResponseHeaders } from '../http/response-headers.js';

export interface ResponseHeadersPluginOptions {
  headers: ResponseHeaders;
}

/**
 * The security and CORS headers on every answer Fastify writes, set first of all hooks, so that early
 * refusals (429, 401, 404) carry them too; and the answer to CORS preflights. The same lists go out on
 * the answers written before Fastify (see http/response-headers.ts).
 */
export default fp<ResponseHeadersPluginOptions>(
  async (fastify, { headers }) => {
    fastify.addHook('onRequest', (request, reply, done) => {
      setHeaderList(reply, headers.forRequest(request.raw));
      done();
    });
  },
  { name: 'response-headers' },
);

/**
 * Every OPTIONS request is answered as a preflight: one without Origin or Access-Control-Request-Method
 * is granted nothing (no Access-Control-Allow-Origin). Registered after the errors plugin: a route keeps
 * the error handler of the moment it is added, and a preflight with a body Fastify refuses (an unknown
 * or empty-JSON content type) must get the error envelope like any other route.
 */
export const preflightRoute = fp<ResponseHeadersPluginOptions>(
  async (fastify, { headers }) => {
    fastify.options('*', { schema: { hide: true } }, (_request, reply) => {
      setHeaderList(reply, headers.cors.preflight);
      reply.code(204).header('content-length', '0').send();
    });
  },
  { name: 'preflight', dependencies: ['response-headers', 'errors'] },
);
