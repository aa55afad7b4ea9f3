import type { IncomingMessage } from 'node:http';
import type { ProductCache } from '../../../cache/product-cache.js';
import { ifNoneMatchHits } from '../../../domain/etag.js';
import { createSimpleCorsHeaders, type CorsSettings } from '../../../http/cors-options.js';
import { HSTS_HEADER } from '../../../http/security-headers.js';
import type { FastLaneHandler } from '../../../http/fast-lane.js';
import { JSON_CONTENT_TYPE } from '../../../http/media-types.js';
import { EVENT_SEQ_HEADER } from '../../schemas.js';

/** Product ids are UUIDs in their 36-character form; nothing else is ever cached. */
const ID_LENGTH = 36;

export interface ProductReadLaneOptions {
  /** The route's URL up to the id, e.g. `/v1/products/`. */
  prefix: string;
  /** The route as metrics name it, e.g. `/v1/products/:id`. */
  route: string;
  cache: Pick<ProductCache, 'lookup' | 'countL1Hit'>;
  appliedSeq: () => number;
  seqText: (seq: number) => string;
  securityHeaders: readonly (readonly [string, string])[];
  cors: CorsSettings;
  clientIp: (request: IncomingMessage) => string | undefined;
  /** Whether the request came over HTTPS, as Fastify's `request.protocol` would say (HSTS is sent then). */
  isHttps: (request: IncomingMessage) => boolean;
  admitRead: (ip: string) => boolean;
  recordRequest: (method: string, route: string, statusCode: number, seconds: number) => void;
}

/**
 * GET /v1/products/:id answered before Fastify when the product's response is in L1: the same bytes,
 * headers, rate limit, metrics and 304 as the route (see get.ts), without Fastify's per-request work
 * (request and reply objects, routing, hooks, the header map). That work costs about as much as
 * everything else this read does, and the read is the one the storefront makes most.
 *
 * Anything else goes on to Fastify unchanged: another method (HEAD included), another URL shape (a
 * query string, a trailing slash, percent-encoding), a product not in L1 or not yet sent once by the
 * route, a read the rate limit refuses (the route's hook refuses it again, with the 429 envelope).
 *
 * HTTP/1.1 connections persist by default (RFC 9112 §9.3), so these responses carry no
 * `Connection: keep-alive`, nor Node's advisory `Keep-Alive: timeout` that comes with it: two header
 * lines fewer for every client to parse on the hottest response. HTTP/1.0 clients get both, as before.
 */
export function createProductReadLane(options: ProductReadLaneOptions): FastLaneHandler {
  const { prefix, route, cache, appliedSeq, seqText, cors, clientIp, isHttps, admitRead, recordRequest } = options;
  const urlLength = prefix.length + ID_LENGTH;
  const securityHeaders = options.securityHeaders.flat();
  const corsHeaders = createSimpleCorsHeaders(cors);

  return (request, response) => {
    const url = request.url;
    if (request.method !== 'GET' || url === undefined || url.length !== urlLength || !url.startsWith(prefix)) return false;
    const started = performance.now();
    // Read before the data, so that it never claims changes the data does not include.
    const seq = appliedSeq();
    const entry = cache.lookup(url.slice(prefix.length));
    const serialized = entry?.response;
    if (entry === undefined || serialized === undefined) return false;
    const ip = clientIp(request);
    if (ip === undefined || !admitRead(ip)) return false;
    cache.countL1Hit();

    const headers = [...corsHeaders(request.headers.origin), ...securityHeaders, 'etag', entry.etag, EVENT_SEQ_HEADER, seqText(seq)];
    if (isHttps(request)) headers.push(...HSTS_HEADER);
    if (request.httpVersionMinor === 1 && request.httpVersionMajor === 1) response.removeHeader('connection');
    let statusCode = 200;
    if (ifNoneMatchHits(request.headers['if-none-match'], entry.etag)) {
      statusCode = 304;
      response.writeHead(statusCode, headers);
      response.end();
    } else {
      headers.push('content-type', JSON_CONTENT_TYPE, 'content-length', serialized.contentLength);
      response.writeHead(statusCode, headers);
      response.end(serialized.body);
    }
    recordRequest('GET', route, statusCode, (performance.now() - started) / 1000);
    return true;
  };
}
