import { RealtimeTokenRequestSchema, RealtimeTokenSchema, type RealtimeToken, type RealtimeTokenRequest } from '@livecart/schemas';
import type { RealtimeTokenKeyRing } from '@livecart/schemas/realtime-token-signing';
import type { FastifyInstance } from 'fastify';
import type { Access } from '../../../auth/access.js';
import { orderTokenInHeader, shopperOf } from '../../../auth/order-access.js';
import { cartOwnerOf, orderOwnerOf } from '../../../auth/shopper.js';
import { issueRealtimeToken } from '../../../services/realtime-tokens/issue-realtime-token.js';
import { ORDER_READERS } from '../../../services/realtime-tokens/staff-reads-order.js';
import { errorResponses, inputSchema, outputSchema } from '../../schemas.js';

export interface RealtimeRoutesOptions {
  tokenKeys: RealtimeTokenKeyRing;
}

/** Staff who may read orders, shopper sessions and order-link holders; each topic is then authorized for whoever asks. */
const TOKEN_REQUESTERS: Access = { ...ORDER_READERS, owner: 'topics' };

export async function realtimeRoutes(fastify: FastifyInstance, options: RealtimeRoutesOptions): Promise<void> {
  fastify.post<{ Body: RealtimeTokenRequest }>(
    '/tokens',
    {
      config: { access: TOKEN_REQUESTERS, openapi: { refusals: [403] } },
      schema: {
        tags: ['realtime'],
        operationId: 'createRealtimeToken',
        summary: 'A short-lived token to subscribe to private realtime topics (order:<id>, cart:<id>) the caller may follow',
        description:
          'Staff who may read orders follow any order; a shopper session its own cart and the orders it owns; the holder of an order\'s link token (`Authorization: Order <token>`) that order. 403 naming each topic the caller may not follow (one that does not exist included).',
        body: inputSchema(RealtimeTokenRequestSchema),
        response: { 200: outputSchema(RealtimeTokenSchema), ...errorResponses() },
      },
    },
    async (request, reply): Promise<RealtimeToken> => {
      reply.header('cache-control', 'no-store');
      const shopper = await shopperOf(request);
      const link = orderTokenInHeader(request);
      return issueRealtimeToken({
        db: fastify.db,
        requester: {
          principal: request.principal,
          shopper: shopper === null ? null : { cart: cartOwnerOf(shopper), order: orderOwnerOf(shopper) },
          linkedOrderId: link === undefined ? null : (fastify.orders.link.verify(link) ?? null),
        },
        topics: request.body.topics,
        ring: options.tokenKeys,
        nowMs: fastify.identity.now(),
      });
    },
  );
}
