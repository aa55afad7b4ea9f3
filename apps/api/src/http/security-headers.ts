import helmetModule from 'helmet';

/**
 * helmet for a JSON API (one options object for @fastify/helmet and for the static copy below): a
 * CSP under which nothing loads or frames, nosniff, HSTS, CORP and Referrer-Policy. The headers that
 * only mean something for HTML documents (COOP, Origin-Agent-Cluster, X-DNS-Prefetch-Control,
 * X-Download-Options, X-Permitted-Cross-Domain-Policies, X-XSS-Protection, and X-Frame-Options,
 * which frame-ancestors replaces) are left off: each costs header bytes on every response. The
 * HTML docs page keeps helmet's defaults (see app.ts).
 */
export const HELMET_OPTIONS = {
  contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
  crossOriginOpenerPolicy: false,
  originAgentCluster: false,
  xDnsPrefetchControl: false,
  xDownloadOptions: false,
  xFrameOptions: false,
  xPermittedCrossDomainPolicies: false,
  xXssProtection: false,
};

interface HeaderSink {
  setHeader(name: string, value: string | number | readonly string[]): void;
  removeHeader(name: string): void;
}
type HelmetMiddleware = (request: unknown, response: HeaderSink, next: (error?: unknown) => void) => void;

// The same helmet major that @fastify/helmet wraps (pinned once in the workspace catalog).
const helmet = helmetModule as unknown as (options: object) => HelmetMiddleware;

/**
 * The headers helmet sets for `options`, computed once. @fastify/helmet rebuilds helmet's middleware on
 * every request (two hooks, one of them async); on the hottest read that was the largest single cost,
 * while for these options the headers never vary (no nonces, no per-request directives).
 */
export function staticHelmetHeaders(options: object = HELMET_OPTIONS): Record<string, string> {
  const headers: Record<string, string> = {};
  const sink: HeaderSink = {
    setHeader: (name, value) => {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    },
    removeHeader: (name) => {
      delete headers[name.toLowerCase()];
    },
  };
  helmet(options)({}, sink, (error) => {
    if (error !== undefined) throw error;
  });
  return headers;
}
