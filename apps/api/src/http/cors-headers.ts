import type { HeaderList } from './header-list.js';

export interface CorsSettings {
  /** Origins allowed to read answers; `*` allows any. */
  origins: readonly string[];
}

export const CORS_METHODS = ['GET', 'HEAD', 'POST', 'PATCH', 'DELETE'];
export const CORS_ALLOWED_HEADERS = ['authorization', 'content-type', 'if-match', 'if-none-match', 'idempotency-key', 'prefer', 'x-request-id'];
export const CORS_EXPOSED_HEADERS = ['etag', 'location', 'retry-after', 'x-event-seq', 'x-event-epoch', 'idempotent-replayed', 'ratelimit', 'ratelimit-policy', 'preference-applied', 'allow'];
/** How long a browser may reuse a preflight's answer (seconds). */
export const CORS_MAX_AGE_S = 600;

export interface Cors {
  /** The CORS headers of an answer to a request from `origin` (absent: not a cross-origin request). */
  headersFor(origin: string | undefined): HeaderList;
  /** Added to `headersFor` on the answer to a preflight (OPTIONS). */
  preflight: HeaderList;
}

/**
 * CORS for every answer of the API (the Fetch standard's CORS protocol): an allowed origin is echoed with
 * the headers a script may read; caches vary on Origin, since the answer depends on it. Answers to any
 * other origin grant nothing. Each list is made once, per allowed origin and for everyone else.
 */
export function createCors(settings: CorsSettings): Cors {
  const anyOrigin = settings.origins.includes('*');
  const exposed = ['access-control-expose-headers', CORS_EXPOSED_HEADERS.join(', ')];
  const preflight = [
    'access-control-allow-methods',
    CORS_METHODS.join(', '),
    'access-control-allow-headers',
    CORS_ALLOWED_HEADERS.join(', '),
    'access-control-max-age',
    String(CORS_MAX_AGE_S),
  ];
  if (anyOrigin) {
    // The same answer for every origin: nothing to vary on.
    const everyone = ['access-control-allow-origin', '*', ...exposed];
    return { headersFor: () => everyone, preflight };
  }
  const others = ['vary', 'Origin'];
  const allowed = new Map(settings.origins.map((origin) => [origin, [...others, 'access-control-allow-origin', origin, ...exposed]]));
  return { headersFor: (origin) => (origin === undefined ? others : (allowed.get(origin) ?? others)), preflight };
}
