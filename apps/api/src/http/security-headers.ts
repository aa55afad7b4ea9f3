import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import helmetModule from 'helmet';
import type { HeaderList } from './header-list.js';
import type { ProxyTrust } from './proxy-trust.js';

/**
 * helmet for a JSON API: a CSP under which nothing loads or frames, and nosniff — the set the OWASP REST
 * Security Cheat Sheet lists for API responses, with CSP frame-ancestors in place of X-Frame-Options.
 * Left off, since each costs header bytes on every response and protects nothing here:
 * - the headers that only mean something for HTML documents: COOP, Origin-Agent-Cluster,
 *   X-DNS-Prefetch-Control, X-Download-Options, X-Permitted-Cross-Domain-Policies, X-XSS-Protection,
 *   X-Frame-Options, and Referrer-Policy (a JSON response starts no navigation or subresource load);
 * - Cross-Origin-Resource-Policy: it keeps other sites from pulling a response into their process
 *   through a no-cors load, and these responses are public catalog data or answers to bearer-token
 *   writes (no cookies, so a no-cors request carries no credentials); browsers' ORB blocks
 *   cross-origin no-cors JSON under nosniff anyway.
 * Strict-Transport-Security is added per request, over HTTPS only (RFC 6797 §7.2): see `createSecurityHeaders`.
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

/** The HTML docs page (scripts, styles, images): helmet's defaults; HSTS as for every answer. */
export const DOCS_HELMET_OPTIONS = { strictTransportSecurity: false };

/** helmet's own HSTS value: a year, subdomains included. */
export const HSTS_HEADER = ['strict-transport-security', 'max-age=31536000; includeSubDomains'] as const;

/**
 * Whether a request came over HTTPS, as Fastify's `request.protocol` says it: when the peer is a trusted
 * proxy, the last X-Forwarded-Proto entry (a TLS-terminating ingress); else whether the socket itself is TLS.
 */
export function createIsHttps(trust: ProxyTrust): (request: IncomingMessage) => boolean {
  return (request) => {
    const forwarded = trust !== false && trust(request.socket.remoteAddress, 0) ? request.headers['x-forwarded-proto'] : undefined;
    if (typeof forwarded === 'string' && forwarded !== '') return forwarded.slice(forwarded.lastIndexOf(',') + 1).trim() === 'https';
    return (request.socket as Partial<TLSSocket>).encrypted === true;
  };
}

interface HeaderSink {
  setHeader(name: string, value: string | number | readonly string[]): void;
  removeHeader(name: string): void;
}
type HelmetMiddleware = (request: unknown, response: HeaderSink, next: (error?: unknown) => void) => void;

// The helmet middleware, run once per options object below: its result never varies for these options
// (no nonces, no per-request directives), so no request runs it.
const helmet = helmetModule as unknown as (options: object) => HelmetMiddleware;

/** The headers helmet sets for `options`, lower-cased, in helmet's order. */
export function staticHelmetHeaders(options: object = HELMET_OPTIONS): HeaderList {
  const headers = new Map<string, string>();
  const sink: HeaderSink = {
    setHeader: (name, value) => {
      headers.set(name.toLowerCase(), Array.isArray(value) ? value.join(', ') : String(value));
    },
    removeHeader: (name) => {
      headers.delete(name.toLowerCase());
    },
  };
  helmet(options)({}, sink, (error) => {
    if (error !== undefined) throw error;
  });
  return [...headers].flat();
}

/**
 * The security headers of every answer: helmet's for `options`, and HSTS after them when the request came
 * over HTTPS (directly, or through a trusted TLS-terminating proxy), never over plain HTTP, where it
 * means nothing (RFC 6797 §7.2). Both lists are made once.
 */
export function createSecurityHeaders(options: object = HELMET_OPTIONS): (https: boolean) => HeaderList {
  const plain = staticHelmetHeaders(options);
  const overHttps = [...plain, ...HSTS_HEADER];
  return (https) => (https ? overHttps : plain);
}
