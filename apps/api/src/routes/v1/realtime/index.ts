import { RealtimeTokenRequestSchema, RealtimeTokenSchema, type RealtimeToken, type RealtimeTokenRequest } from '@livecart/schemas';
import type { RealtimeTokenKeyRing } from '@livecart/schemas/realtime-token-signing';
import type { FastifyInstance } from 'fastify';
import { issueRealtimeToken } from '../../../services/realtime-tokens/issue-realtime-token.js';
import { ORDER_READERS } from '../../../services/realtime-tokens/staff-reads-order.js';
import { errorResponses, inputSchema, outputSchema } from '../../schemas.js';

export interface RealtimeRoutesOptions {
  tokenKeys: RealtimeTokenKeyRing;
}

export async function realtimeRoutes(fastify: FastifyInstance, options: RealtimeRoutesOptions): Promise<void> {
  fastify.post<{ Body: RealtimeTokenRequest }>(
    '/tokens',
    {
      // Staff only for now (the one rule that grants anything); shoppers' rules are in services/realtime-tokens.
      config: { access: ORDER_READERS },
      schema: {
        tags: ['realtime'],
        operationId: 'createRealtimeToken',
        summary: 'A short-lived token to subscribe to private realtime topics (order:<id>, cart:<id>) the caller may follow',
        body: inputSchema(RealtimeTokenRequestSchema),
        response: { 200: outputSchema(RealtimeTokenSchema), ...errorResponses() },
      },
    },
    async (request, reply): Promise<RealtimeToken> => {
      reply.header('cache-control', 'no-store');
      return issueRealtimeToken({
        db: fastify.db,
        principal: request.principal!,
        topics: request.body.topics,
        ring: options.tokenKeys,
        nowMs: fastify.identity.now(),
      });
    },
  );
}
