import { ProductIdParamsSchema, ProductSchema, type Product, type ProductIdParams } from '@livecart/schemas';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { CachedProduct } from '../../../cache/product-cache.js';
import { NotFoundError } from '../../../domain/errors.js';
import { setHeaderList } from '../../../http/header-list.js';
import { errorResponses, inputSchema, outputSchema } from '../../schemas.js';
import { answerProductRead } from './get-answer.js';

/**
 * GET /v1/products/:id. A warm L1 hit is answered synchronously (no promise): the product's JSON was made
 * once by this route's fast-json-stringify function and is written as the same string every time (a
 * string, not a Buffer, so that Node sends the head and the body in one write). The read lane
 * (get-read-lane.ts) answers the same hits before Fastify, with the same answer (get-answer.ts).
 */
export async function getProductRoute(fastify: FastifyInstance): Promise<void> {
  const { productCache, events } = fastify;
  fastify.applyRateLimit(fastify);

  let serialize: ((product: Product) => string) | undefined;
  const respond = (ifNoneMatch: string | undefined, reply: FastifyReply, entry: CachedProduct, seq: number, epoch: string | undefined): string | undefined => {
    if (entry.serialized === undefined) {
      serialize ??= reply.getSerializationFunction('200') as (product: Product) => string;
      const json = serialize(entry.product);
      entry.serialized = { json, byteLength: Buffer.byteLength(json) };
    }
    const answer = answerProductRead(entry.etag, entry.serialized, ifNoneMatch, seq, epoch);
    setHeaderList(reply, answer.headers);
    reply.code(answer.statusCode);
    if (answer.body !== undefined) return answer.body;
    reply.send();
    return undefined;
  };

  fastify.get<{ Params: ProductIdParams; Reply: Product | string }>(
    '/:id',
    {
      // Single products stay uncompressed, so one version has one byte representation (strong ETag).
      compress: false,
      config: { openapi: { requestHeaders: ['if-none-match'], headers: { 200: ['etag', 'x-event-seq', 'x-event-epoch'], 304: ['etag', 'x-event-seq', 'x-event-epoch'] } } },
      schema: {
        operationId: 'getProduct',
        tags: ['products'],
        summary: 'Get a product (ETag from its version; If-None-Match → 304)',
        params: inputSchema(ProductIdParamsSchema),
        response: { 200: outputSchema(ProductSchema), 304: { type: 'null', description: 'Not modified' }, ...errorResponses() },
      },
    },
    (request, reply) => {
      // Read before the data, so that X-Event-Seq never claims changes the data does not include.
      const seq = events.appliedSeq;
      const epoch = events.epoch;
      const { id } = request.params;
      const ifNoneMatch = request.headers['if-none-match'];
      const cached = productCache.peek(id);
      if (cached !== undefined) return respond(ifNoneMatch, reply, cached, seq, epoch);
      return productCache.load(id).then((entry) => {
        if (entry === null) throw new NotFoundError(`product ${id} does not exist`);
        return respond(ifNoneMatch, reply, entry, seq, epoch);
      });
    },
  );
}
