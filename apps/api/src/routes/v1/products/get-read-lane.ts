import type { IncomingMessage, ServerResponse } from 'node:http';
import fp from 'fastify-plugin';
import { createClientIp } from '../../../http/client-ip.js';
import type { ProxyTrust } from '../../../http/proxy-trust.js';
import type { ResponseHeaders } from '../../../http/response-headers.js';
import type { ServerLane } from '../../../http/server-lane.js';
import { answerProductRead } from './get-answer.js';

/** Product ids are UUIDs in their 36-character form; nothing else is ever cached. */
const ID_LENGTH = 36;

export interface ProductReadLaneOptions {
  lane: ServerLane;
  /** The read route's prefix, e.g. `/v1/products`. */
  prefix: string;
  headers: ResponseHeaders;
  /** As Fastify's `trustProxy`, for the rate limit to key on the address the route's hook sees. */
  trustProxy: ProxyTrust;
}

/**
 * GET /v1/products/:id answered before Fastify when the product's JSON is in L1: Fastify's per-request
 * work (request and reply objects, routing, hooks, the reply's header map) costs about as much as
 * everything else this read does, and the read is the one the storefront makes most. Every concern of the
 * route's hooks is the same function here — the headers of every answer, the rate limit's admission and
 * its RateLimit fields, the client's address, the metrics — and the answer itself is the route's
 * (get-answer.ts), written by
 * `writeHead` as Fastify writes it: both paths send the same bytes but for Date
 * (test/product-read-lane.test.ts compares them).
 *
 * Anything else goes on to Fastify unchanged: another method (HEAD included), another URL shape (a query
 * string, a trailing slash, percent-encoding), a product not in L1 or not yet sent once by the route, a
 * read the rate limit refuses (the route's hook refuses it again, with the 429 envelope). A failure here
 * is logged and the request, if nothing was sent, answered by Fastify (see http/server-lane.ts).
 */
export const productReadLane = fp<ProductReadLaneOptions>(
  async (fastify, options) => {
    const { productCache: cache, events, admitRequest, rateLimitFields, recordRequest, log } = fastify;
    const { lane, headers } = options;
    const prefix = `${options.prefix}/`;
    const route = `${options.prefix}/:id`;
    const urlLength = prefix.length + ID_LENGTH;
    const clientIp = createClientIp(options.trustProxy);

    const serve = (request: IncomingMessage, response: ServerResponse): boolean => {
      const url = request.url;
      if (request.method !== 'GET' || url === undefined || url.length !== urlLength || !url.startsWith(prefix)) return false;
      const started = performance.now();
      const seq = events.appliedSeq;
      const epoch = events.epoch;
      const entry = cache.lookup(url.slice(prefix.length));
      const serialized = entry?.serialized;
      if (entry === undefined || serialized === undefined) return false;
      const ip = clientIp(request);
      if (ip === undefined || admitRequest(ip, 'GET') !== 0) return false;
      cache.countL1Hit();
      const answer = answerProductRead(entry.etag, serialized, request.headers['if-none-match'], seq, epoch);
      response.writeHead(answer.statusCode, [...headers.forRequest(request), ...rateLimitFields(ip, 'GET', 0), ...answer.headers]);
      response.end(answer.body);
      recordRequest({ method: 'GET', url, route, statusCode: answer.statusCode, ms: performance.now() - started, log });
      return true;
    };

    lane.install(serve, log);
    fastify.addHook('preClose', (done) => {
      lane.clear();
      done();
    });
  },
  { name: 'product-read-lane', dependencies: ['cache', 'event-consumer', 'rate-limit', 'metrics'] },
);
