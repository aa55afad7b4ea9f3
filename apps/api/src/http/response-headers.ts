import type { IncomingMessage } from 'node:http';
import { createCors, type Cors } from './cors-headers.js';
import type { HeaderList } from './header-list.js';
import type { ProxyTrust } from './proxy-trust.js';
import { createIsHttps, createSecurityHeaders } from './security-headers.js';

export interface ResponseHeaderSettings {
  corsOrigins: readonly string[];
  /** As Fastify's `trustProxy`: whose X-Forwarded-Proto says how the request arrived. */
  trustProxy: ProxyTrust;
}

export interface ResponseHeaders {
  /** The headers every answer to `request` starts with: security headers (HSTS over HTTPS), then CORS. */
  forRequest(request: IncomingMessage): HeaderList;
  /** For an answer written where no request was parsed (a refusal of Node's parser): plain HTTP, no Origin. */
  withoutRequest: HeaderList;
  cors: Cors;
  isHttps(request: IncomingMessage): boolean;
}

/**
 * The one source of the headers every answer carries, whoever writes the answer: the root hook of the
 * Fastify app (plugins/response-headers.ts), the product-read lane, and the refusals made before Fastify
 * routes. Every combination is made once, so a request only picks a list.
 */
export function createResponseHeaders(settings: ResponseHeaderSettings): ResponseHeaders {
  const security = createSecurityHeaders();
  const cors = createCors({ origins: settings.corsOrigins });
  const isHttps = createIsHttps(settings.trustProxy);
  // `cors.headersFor` answers with one of a few lists made once: each is joined with each security list once.
  const lists = { plain: new Map<HeaderList, HeaderList>(), https: new Map<HeaderList, HeaderList>() };
  return {
    forRequest(request) {
      const https = isHttps(request);
      const corsHeaders = cors.headersFor(request.headers.origin);
      const byCors = https ? lists.https : lists.plain;
      let headers = byCors.get(corsHeaders);
      if (headers === undefined) {
        headers = [...security(https), ...corsHeaders];
        byCors.set(corsHeaders, headers);
      }
      return headers;
    },
    withoutRequest: [...security(false), ...cors.headersFor(undefined)],
    cors,
    isHttps,
  };
}
