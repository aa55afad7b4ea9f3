/** Response headers the API sets, by their name in `components.headers`. */
export const RESPONSE_HEADERS = {
  etag: 'ETag',
  location: 'Location',
  'x-event-seq': 'X-Event-Seq',
  'x-event-epoch': 'X-Event-Epoch',
  'idempotent-replayed': 'Idempotent-Replayed',
  'set-cookie': 'Set-Cookie',
  'retry-after': 'Retry-After',
  'www-authenticate': 'WWW-Authenticate',
  ratelimit: 'RateLimit',
  'ratelimit-policy': 'RateLimit-Policy',
  'preference-applied': 'Preference-Applied',
} as const;
export type ResponseHeaderName = keyof typeof RESPONSE_HEADERS;

/** Request headers a route reads without validating them as its schema's `headers` (documented only). */
export const REQUEST_HEADERS = { 'if-none-match': 'IfNoneMatch' } as const;
export type RequestHeaderName = keyof typeof REQUEST_HEADERS;

/**
 * What a route's OpenAPI operation says beyond its schemas, declared next to the route (`config.openapi`).
 * The refusals every route of its kind can answer (400, 401, 403, 404, 412, 413, 415, 429, 5xx) are
 * derived from its body, access, parameters, headers and rate limit (openapi/refusals.ts): list here only
 * its own.
 */
export interface RouteDocs {
  /** Headers of the successful answers, by status. */
  headers?: Partial<Record<number, readonly ResponseHeaderName[]>>;
  requestHeaders?: readonly RequestHeaderName[];
  /** Refusals of this route's own rules: 402, 409, 422, a 403 or 404 that its access or params do not imply. */
  refusals?: readonly number[];
  /** A successful answer that is not JSON: its media type, for a text body. */
  mediaType?: string;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    openapi?: RouteDocs;
    /** Set on every route a per-address rate limit applies to (plugins/rate-limit.ts), whether it is enforced or not. */
    rateLimited?: boolean;
  }
}
