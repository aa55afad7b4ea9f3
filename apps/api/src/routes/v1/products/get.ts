import { ProductIdParamsSchema, ProductSchema, type Product, type ProductIdParams } from '@livecart/schemas';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { CachedProduct } from '../../../cache/product-cache.js';
import { NotFoundError } from '../../../domain/errors.js';
import { ifNoneMatchHits } from '../../../domain/etag.js';
import { createClientIp } from '../../../http/client-ip.js';
import { createSimpleCors, type CorsSettings } from '../../../http/cors-options.js';
import type { FastLane } from '../../../http/fast-lane.js';
import { createIsHttps, staticHelmetHeaders } from '../../../http/security-headers.js';
import { JSON_CONTENT_TYPE } from '../../../http/media-types.js';
import { errorResponses, EVENT_SEQ_HEADER, inputSchema, outputSchema } from '../../schemas.js';
import { createProductReadLane } from './get-fast-lane.js';

export interface GetProductRouteOptions extends CorsSettings {
  /** Where L1 hits are answered before Fastify (see get-fast-lane.ts); without it every read takes the route. */
  lane?: FastLane;
  /** As Fastify's `trustProxy`, for the lane's rate limit to key on the same address. */
  trustProxy: boolean;
}

/**
 * The hot read, registered outside the scope of @fastify/helmet and @fastify/cors: it sends the same
 * helmet headers (computed once) and the same CORS answer itself, without their per-request hooks.
 *
 * A warm L1 hit is answered synchronously (no promise): the body was serialized once by the route's
 * fast-json-stringify function and is written as the same string every time (a string, not a Buffer,
 * so that Node sends the head and the body in one write). X-Event-Seq is read before the data, so it
 * never claims changes the data does not include.
 *
 * Each response header costs about as much as everything else Fastify does for a request (Node checks
 * every name and value it is given), so the route sets each exactly once, from values made ahead.
 */
export async function getProductRoute(fastify: FastifyInstance, options: GetProductRouteOptions): Promise<void> {
  const { productCache, events } = fastify;
  const securityHeaders = Object.entries(staticHelmetHeaders());
  const cors = createSimpleCors(options);
  fastify.applyRateLimit(fastify);

  // The seq changes with each event, the reads in between are many: its header text is made once per seq.
  let seqText = { seq: -1, text: '' };
  const seqHeader = (seq: number): string => {
    if (seqText.seq !== seq) seqText = { seq, text: String(seq) };
    return seqText.text;
  };

  const { lane } = options;
  if (lane !== undefined) {
    lane.install(
      createProductReadLane({
        prefix: `${fastify.prefix}/`,
        route: `${fastify.prefix}/:id`,
        cache: productCache,
        appliedSeq: () => events.appliedSeq,
        seqText: seqHeader,
        securityHeaders,
        cors: options,
        clientIp: createClientIp(options.trustProxy),
        isHttps: createIsHttps(options.trustProxy),
        admitRead: fastify.admitRead,
        recordRequest: fastify.recordRequest,
      }),
    );
    fastify.addHook('preClose', (done) => {
      lane.clear();
      done();
    });
  }

  let serialize: ((product: Product) => string) | undefined;
  const respond = (request: FastifyRequest, reply: FastifyReply, entry: CachedProduct, seq: number): string | undefined => {
    for (const [name, value] of securityHeaders) reply.header(name, value);
    reply.header('etag', entry.etag);
    reply.header(EVENT_SEQ_HEADER, seqHeader(seq));
    if (ifNoneMatchHits(request.headers['if-none-match'], entry.etag)) {
      reply.code(304).send();
      return undefined;
    }
    if (entry.response === undefined) {
      serialize ??= reply.getSerializationFunction('200') as (product: Product) => string;
      const body = serialize(entry.product);
      entry.response = { body, contentLength: String(Buffer.byteLength(body)) };
    }
    reply.header('content-type', JSON_CONTENT_TYPE);
    return entry.response.body;
  };

  fastify.get<{ Params: ProductIdParams; Reply: Product | string }>(
    '/:id',
    {
      // Single products stay uncompressed, so one version has one byte representation (strong ETag).
      compress: false,
      schema: {
        tags: ['products'],
        summary: 'Get a product (ETag from its version; If-None-Match → 304)',
        params: inputSchema(ProductIdParamsSchema),
        response: { 200: outputSchema(ProductSchema), 304: { type: 'null', description: 'Not modified' }, ...errorResponses() },
      },
    },
    (request, reply) => {
      // First, so that a 404 or 503 from the load below is readable by an allowed origin too.
      cors(request, reply);
      const seq = events.appliedSeq;
      const { id } = request.params;
      const cached = productCache.peek(id);
      if (cached !== undefined) return respond(request, reply, cached, seq);
      return productCache.load(id).then((entry) => {
        if (entry === null) throw new NotFoundError(`product ${id} does not exist`);
        return respond(request, reply, entry, seq);
      });
    },
  );
}
