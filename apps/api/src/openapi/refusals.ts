import type { RouteOptions } from 'fastify';
import { isShopperAccess } from '../auth/access.js';

export type DocumentedRoute = Pick<RouteOptions, 'method' | 'url' | 'schema' | 'config'>;

/**
 * Every error status a route can answer, derived from what it declares: any request (400: malformed or
 * invalid), a body (413, 415), its access (staff: 401, 403; a signed-in customer: 401), its path parameters
 * (404), an `If-Match` header (412), a rate limit (429), and the refusals of its own rules
 * (`config.openapi.refusals`). Every route can fail (500); all but the liveness probe depend on Postgres or
 * Redis (503).
 */
export function refusalsOf(route: DocumentedRoute): number[] {
  const statuses = new Set<number>(route.config?.openapi?.refusals ?? []);
  const schema = (route.schema ?? {}) as Record<string, unknown>;
  // Any request can be malformed (an HTTP/1.1 request without Host: http/server-factory.ts); most fail validation too.
  statuses.add(400);
  if (schema.body !== undefined) {
    statuses.add(413);
    statuses.add(415);
  }
  const access = route.config?.access;
  if (access !== undefined && isShopperAccess(access)) {
    if (access.shopper === 'customer') statuses.add(401);
  } else if (access !== undefined && access.owner === undefined) {
    statuses.add(401);
    statuses.add(403);
  }
  if (/\/:[^/]/.test(route.url)) statuses.add(404);
  const headers = schema.headers as { properties?: Record<string, unknown> } | undefined;
  if (headers?.properties?.['if-match'] !== undefined) statuses.add(412);
  if (route.config?.rateLimited === true) statuses.add(429);
  statuses.add(500);
  if (route.url !== '/health') statuses.add(503);
  return [...statuses].sort((a, b) => a - b);
}
