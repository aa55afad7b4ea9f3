import swagger, { type StaticDocumentSpec } from '@fastify/swagger';
import Fastify, { type FastifyInstance, type RouteHandlerMethod } from 'fastify';
import fp from 'fastify-plugin';
import { finishDocument, operationKey } from '../openapi/finish-document.js';
import { securitySchemes } from '../openapi/http-components.js';
import type { DocumentedRoute } from '../openapi/refusals.js';

export interface SwaggerPluginOptions {
  /** The base URL clients reach the API at (`servers[0].url`). */
  publicUrl: string;
}

const DESCRIPTION = [
  'Catalog, stock, carts and orders. Catalog reads are public; carts and customer accounts take a shopper session (its own cookie); an order is read, paid and cancelled with its link token (`Authorization: Order <token>`), or by staff; every other write needs a staff session (cookie, from POST /v1/auth/login) with a high enough role, or an API key (`Authorization: Bearer <key>`) with the scope the operation names. Every write is recorded with who made it (GET /v1/audit).',
  'Responses may gain fields in any minor version: clients must ignore fields they do not know (no schema here forbids additional properties on a response).',
  'Every GET has a HEAD twin (same headers, no body). A method that no operation of a path serves is answered 405 with `Allow` (the error envelope, code METHOD_NOT_ALLOWED). Every answer of a rate-limited operation (all under /v1) carries `RateLimit` and `RateLimit-Policy` (IETF draft). CORS preflights (OPTIONS on any path, answered for the allowed origins) are left out: browsers send them on their own and no client calls them.',
].join('\n\n');

/**
 * OpenAPI 3.1 built by @fastify/swagger from the route schemas (the same ones Ajv and the serializers
 * use), then finished from what each route declares (openapi/finish-document.ts): named components,
 * every status, headers and security. Registered at the root, before any route, so that every route is seen.
 */
export default fp<SwaggerPluginOptions>(
  async (fastify, options) => {
    const routes = new Map<string, DocumentedRoute>();
    fastify.addHook('onRoute', (route) => {
      // Kept by reference: plugins registered later complete it (access, rate limit) in their own onRoute hooks.
      for (const method of [route.method].flat()) routes.set(operationKey(method, route.url), route);
    });
    await fastify.register(swagger, {
      exposeHeadRoutes: true,
      transformObject: (generated) => {
        if (!('openapiObject' in generated)) throw new Error('the API documents itself as OpenAPI 3');
        return finishDocument(generated.openapiObject as Record<string, unknown>, { routes, servers: [{ url: options.publicUrl, description: 'This deployment (API_PUBLIC_URL)' }] });
      },
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'livecart API',
          version: '1',
          description: DESCRIPTION,
          license: { name: 'MIT', identifier: 'MIT' },
        },
        tags: [
          { name: 'products', description: 'The catalog' },
          { name: 'orders', description: 'Orders take stock atomically, wait for their payment, and move through pending_payment → paid → fulfilled (or cancelled, expired)' },
          { name: 'payments', description: 'Payment provider webhooks (signed, Standard Webhooks)' },
          { name: 'carts', description: 'Shoppers’ carts: their lines hold stock for a while' },
          { name: 'customers', description: 'Customer accounts, sign-in and sessions' },
          { name: 'auth', description: 'Staff sign-in and sessions' },
          { name: 'staff', description: 'Staff users and API keys (admins)' },
          { name: 'audit', description: 'Who changed what: every write, with its actor' },
          { name: 'realtime', description: 'Tokens for private WebSocket topics' },
          { name: 'webhooks', description: 'Endpoints that receive the published events, signed (Standard Webhooks), in seq order, at least once; their delivery log and replay' },
          { name: 'checkout', description: 'A shopper’s cart becomes an order' },
          { name: 'operations', description: 'Probes and metrics' },
        ],
        // Read by @fastify/swagger itself (security schemes in the header or query are not parameters).
        components: { securitySchemes },
      },
    });
  },
  { name: 'swagger' },
);

// Set by the outer reply itself (or meaningless once the inner response is buffered).
const NOT_FORWARDED = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'date']);

/** The error behind an answer of the docs server (Fastify's default error body), for the app's error handler. */
function docsError(statusCode: number, body: string): Error {
  let parsed: { code?: unknown; message?: unknown } = {};
  try {
    parsed = JSON.parse(body) as typeof parsed;
  } catch {
    // Not Fastify's JSON error: the status alone says enough.
  }
  const message = typeof parsed.message === 'string' ? parsed.message : `the docs page answered ${statusCode}`;
  return Object.assign(new Error(message), { statusCode, code: parsed.code });
}

/** A server of its own for Swagger UI, serving the document the API generated from its routes. */
async function createDocsServer(document: StaticDocumentSpec['document']): Promise<FastifyInstance> {
  const { default: swaggerUi } = await import('@fastify/swagger-ui');
  const server = Fastify({ logger: false });
  await server.register(swagger, { mode: 'static', specification: { document } });
  await server.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
  await server.ready();
  return server;
}

/**
 * The interactive page at /docs, the document at /docs/json (and /docs/yaml). Swagger UI and its
 * static-file server are loaded on the first request under /docs rather than at startup, where they
 * lengthen every start (bench/README.md) for a page that few instances ever serve: the routes here forward to
 * a Swagger UI server built then, fed with the document this app generates.
 */
export async function docsUi(fastify: FastifyInstance): Promise<void> {
  let docsServer: Promise<FastifyInstance> | undefined;
  const forward: RouteHandlerMethod = async (request, reply) => {
    // The types list OpenAPI 2 and 3.0 documents only; static mode serves whatever it is given, 3.1 included.
    docsServer ??= createDocsServer(fastify.swagger() as StaticDocumentSpec['document']).catch((error: unknown) => {
      docsServer = undefined;
      throw error;
    });
    // Always a GET: for a HEAD, Fastify drops the body itself and keeps the GET's Content-Length.
    const response = await (await docsServer).inject({ method: 'GET', url: request.url, headers: request.headers });
    if (response.statusCode === 404) return reply.callNotFound();
    // Refusals (e.g. a static path outside Swagger UI's folder) leave as the error envelope, like any other.
    if (response.statusCode >= 400) throw docsError(response.statusCode, response.body);
    for (const [name, value] of Object.entries(response.headers)) {
      if (value !== undefined && !NOT_FORWARDED.has(name)) reply.header(name, value);
    }
    reply.code(response.statusCode);
    // An empty Buffer would be sent as application/octet-stream (redirects, 304s).
    return response.rawPayload.length === 0 ? reply.send() : reply.send(response.rawPayload);
  };
  fastify.get('/docs', { schema: { hide: true } }, forward);
  fastify.get('/docs/*', { schema: { hide: true } }, forward);
}
