import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import helmetModule from 'helmet';

/**
 * helmet for a JSON API (one options object for @fastify/helmet and for the static copy below): a CSP
 * under which nothing loads or frames, and nosniff — the set the OWASP REST Security Cheat Sheet lists
 * for API responses, with CSP frame-ancestors in place of X-Frame-Options. Left off, since each costs
 * header bytes on every response and protects nothing here:
 * - the headers that only mean something for HTML documents: COOP, Origin-Agent-Cluster,
 *   X-DNS-Prefetch-Control, X-Download-Options, X-Permitted-Cross-Domain-Policies, X-XSS-Protection,
 *   X-Frame-Options, and Referrer-Policy (a JSON response starts no navigation or subresource load);
 * - Cross-Origin-Resource-Policy: it keeps other sites from pulling a response into their process
 *   through a no-cors load, and these responses are public catalog data or answers to bearer-token
 *   writes (no cookies, so a no-cors request carries no credentials); browsers' ORB blocks
 *   cross-origin no-cors JSON under nosniff anyway.
 * Strict-Transport-Security (`HSTS_HEADER`) is sent over HTTPS only (RFC 6797 §7.2), by a root hook in
 * app.ts and by the read lane. The HTML docs page keeps helmet's defaults but for HSTS (see app.ts).
 */
export const HELMET_OPTIONS = {
  contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
  crossOriginOpenerPolicy: false,
  crossOriginResourcePolicy: false,
  originAgentCluster: false,
  referrerPolicy: false,
  strictTransportSecurity: false,
  xDnsPrefetchControl: false,
  xDownloadOptions: false,
  xFrameOptions: false,
  xPermittedCrossDomainPolicies: false,
  xXssProtection: false,
};

/** helmet's own HSTS value: a year, subdomains included. */
export const HSTS_HEADER = ['strict-transport-security', 'max-age=31536000; includeSubDomains'] as const;

/**
 * Whether a request came over HTTPS, as Fastify's `request.protocol` says it, for code that runs before
 * Fastify: with `trustProxy`, the last X-Forwarded-Proto entry (a TLS-terminating ingress); else whether
 * the socket itself is TLS. RFC 6797 §7.2: HSTS must not be sent over plain HTTP, where it means nothing.
 */
export function createIsHttps(trustProxy: boolean): (request: IncomingMessage) => boolean {
  return (request) => {
    const forwarded = trustProxy ? request.headers['x-forwarded-proto'] : undefined;
    if (typeof forwarded === 'string' && forwarded !== '') return forwarded.slice(forwarded.lastIndexOf(',') + 1).trim() === 'https';
    return (request.socket as Partial<TLSSocket>).encrypted === true;
  };
}

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
