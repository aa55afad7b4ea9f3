import { AuditListQuerySchema, AuditPageSchema, type AuditListQuery, type AuditPage } from '@livecart/schemas';
import type { FastifyInstance } from 'fastify';
import type { Access } from '../../../auth/access.js';
import { listAuditEntries } from '../../../services/audit/list-audit-entries.js';
import { errorResponses, inputSchema, outputSchema } from '../../schemas.js';

/** Who changed what: admins, or a key with audit:read (an export to a log store, say). */
export const AUDIT_READ: Access = { role: 'admin', scope: 'audit:read' };

export async function auditRoutes(fastify: FastifyInstance): Promise<void> {
  fastify.get<{ Querystring: AuditListQuery }>(
    '/',
    {
      config: { access: AUDIT_READ },
      schema: {
        tags: ['audit'],
        operationId: 'listAuditEntries',
        summary: 'Changes of one product (productId) or by one actor (actorType, actorId), newest first; cursor-paginated',
        querystring: inputSchema(AuditListQuerySchema),
        response: { 200: outputSchema(AuditPageSchema), ...errorResponses() },
      },
    },
    async (request, reply): Promise<AuditPage> => {
      reply.header('cache-control', 'no-store');
      return listAuditEntries({ db: fastify.db, query: request.query });
    },
  );
}
