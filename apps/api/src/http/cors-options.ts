import type { FastifyReply, FastifyRequest } from 'fastify';

export interface CorsSettings {
  origins: readonly string[];
}

export const CORS_METHODS = ['GET', 'HEAD', 'POST', 'PATCH', 'DELETE'];
export const CORS_ALLOWED_HEADERS = ['authorization', 'content-type', 'if-match', 'if-none-match', 'idempotency-key', 'x-request-id'];
export const CORS_EXPOSED_HEADERS = ['etag', 'location', 'retry-after', 'x-event-seq', 'idempotent-replayed'];

/** Options for @fastify/cors, which serves preflights and every route but the hot read. */
export function corsPluginOptions(settings: CorsSettings) {
  return {
    origin: [...settings.origins],
    methods: CORS_METHODS,
    allowedHeaders: CORS_ALLOWED_HEADERS,
    exposedHeaders: CORS_EXPOSED_HEADERS,
    maxAge: 600,
    // An OPTIONS request without Origin or Access-Control-Request-Method is answered like a preflight that
    // grants nothing (no Access-Control-Allow-Origin), not with a text/plain 400 outside the error envelope.
    strictPreflight: false,
  };
}

/**
 * The headers @fastify/cors adds to a simple (non-preflight) request, for the hot read that runs
 * outside its hook, as a flat [name, value, …] list: the origin is echoed only when allowed, and caches
 * vary on it. The list for a request without an allowed origin is made once.
 */
export function createSimpleCorsHeaders(settings: CorsSettings): (origin: string | undefined) => readonly string[] {
  const allowed = new Set(settings.origins);
  const exposed = CORS_EXPOSED_HEADERS.join(', ');
  const varyOnly = ['vary', 'Origin'] as const;
  return (origin) =>
    origin !== undefined && allowed.has(origin) ? [...varyOnly, 'access-control-allow-origin', origin, 'access-control-expose-headers', exposed] : varyOnly;
}

/** `createSimpleCorsHeaders` set on a Fastify reply. */
export function createSimpleCors(settings: CorsSettings): (request: FastifyRequest, reply: FastifyReply) => void {
  const headersFor = createSimpleCorsHeaders(settings);
  return (request, reply) => {
    const headers = headersFor(request.headers.origin);
    for (let i = 0; i < headers.length; i += 2) reply.header(headers[i] as string, headers[i + 1]);
  };
}
