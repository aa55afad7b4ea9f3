import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { ProductCache } from '../../../cache/product-cache.js';
import { ifNoneMatchHits } from '../../../domain/etag.js';
import { createSimpleCorsHeaders, type CorsSettings } from '../../../http/cors-options.js';
import { HSTS_HEADER } from '../../../http/security-headers.js';
import type { FastLaneHandler } from '../../../http/fast-lane.js';
import { JSON_CONTENT_TYPE } from '../../../http/media-types.js';
import { endWithHead, headerLines, httpDate, PRESET_HEAD_WORKS } from '../../../http/preset-head.js';
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
 * lines fewer for every client to parse on the hottest response. Such a response's head is joined
 * from lines made ahead (see preset-head.ts). HTTP/1.0 and a request that asks to close get their
 * connection headers (`Connection: close`, or keep-alive for HTTP/1.0 that asks for it) from
 * `writeHead`.
 */
export function createProductReadLane(options: ProductReadLaneOptions): FastLaneHandler {
  const { prefix, route, cache, appliedSeq, seqText, cors, clientIp, isHttps, admitRead, recordRequest } = options;
  const urlLength = prefix.length + ID_LENGTH;
  const securityHeaders = options.securityHeaders.flat();
  const corsHeaders = createSimpleCorsHeaders(cors);
  const presetHead = createPresetHead(securityHeaders, corsHeaders, cors.origins);

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

    const notModified = ifNoneMatchHits(request.headers['if-none-match'], entry.etag);
    const statusCode = notModified ? 304 : 200;
    const https = isHttps(request);
    // HTTP/1.1 that did not ask to close: persistent by default, so no connection headers are sent.
    const persistent = request.httpVersionMajor === 1 && request.httpVersionMinor === 1 && response.shouldKeepAlive;
    if (PRESET_HEAD_WORKS && persistent) {
      serialized.headerLines ??= headerLines(['etag', entry.etag, 'content-type', JSON_CONTENT_TYPE, 'content-length', serialized.contentLength]);
      const head = presetHead(statusCode, request.headers.origin, https, notModified ? `etag: ${entry.etag}\r\n` : serialized.headerLines, seqText(seq));
      endWithHead(response, statusCode, head, notModified ? undefined : serialized.body);
    } else {
      const headers = [...corsHeaders(request.headers.origin), ...securityHeaders, 'etag', entry.etag, EVENT_SEQ_HEADER, seqText(seq)];
      if (https) headers.push(...HSTS_HEADER);
      if (persistent) response.removeHeader('connection');
      if (notModified) {
        response.writeHead(statusCode, headers);
        response.end();
      } else {
        headers.push('content-type', JSON_CONTENT_TYPE, 'content-length', serialized.contentLength);
        response.writeHead(statusCode, headers);
        response.end(serialized.body);
      }
    }
    recordRequest('GET', route, statusCode, (performance.now() - started) / 1000);
    return true;
  };
}

const STATUS_LINES = { 200: `HTTP/1.1 200 ${STATUS_CODES[200]}\r\n`, 304: `HTTP/1.1 304 ${STATUS_CODES[304]}\r\n` };

/**
 * The lane's response head from lines made once: CORS (one set per allowed origin, one for any other
 * request), the security headers and HSTS; the entry's own lines come made per product version, the
 * seq is a number and the date Node's format.
 */
function createPresetHead(
  securityHeaders: readonly string[],
  corsHeaders: (origin: string | undefined) => readonly string[],
  allowedOrigins: readonly string[],
): (statusCode: 200 | 304, origin: string | undefined, https: boolean, entryLines: string, seq: string) => string {
  const security = headerLines(securityHeaders);
  const securityWithHsts = security + headerLines(HSTS_HEADER);
  const otherCors = headerLines(corsHeaders(undefined));
  const allowedCors = new Map(allowedOrigins.map((origin) => [origin, headerLines(corsHeaders(origin))]));
  return (statusCode, origin, https, entryLines, seq) => {
    const corsLines = origin === undefined ? otherCors : (allowedCors.get(origin) ?? otherCors);
    return `${STATUS_LINES[statusCode]}${corsLines}${https ? securityWithHsts : security}${entryLines}${EVENT_SEQ_HEADER}: ${seq}\r\nDate: ${httpDate()}\r\n\r\n`;
  };
}
