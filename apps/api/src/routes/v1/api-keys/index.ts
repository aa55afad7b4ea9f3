import {
  ApiKeyCreatedSchema,
  ApiKeyCreateSchema,
  ApiKeyIdParamsSchema,
  ApiKeyListSchema,
  ApiKeySchema,
  type ApiKey,
  type ApiKeyCreate,
  type ApiKeyCreated,
  type ApiKeyIdParams,
  type ApiKeyList,
} from '@livecart/schemas';
import type { FastifyInstance } from 'fastify';
import { createApiKey } from '../../../services/api-keys/create-api-key.js';
import { listApiKeys } from '../../../services/api-keys/list-api-keys.js';
import { revokeApiKey } from '../../../services/api-keys/revoke-api-key.js';
import { errorResponses, inputSchema, outputSchema } from '../../schemas.js';
import { STAFF_ADMIN } from '../staff-users/index.js';

export async function apiKeyRoutes(fastify: FastifyInstance): Promise<void> {
  fastify.get(
    '/',
    {
      config: { access: STAFF_ADMIN },
      schema: { tags: ['staff'], operationId: 'listApiKeys', summary: 'Every API key (never its secret)', response: { 200: outputSchema(ApiKeyListSchema), ...errorResponses() } },
    },
    async (): Promise<ApiKeyList> => ({ items: await listApiKeys({ pool: fastify.db }) }),
  );

  fastify.post<{ Body: ApiKeyCreate }>(
    '/',
    {
      config: { access: STAFF_ADMIN },
      schema: {
        tags: ['staff'],
        operationId: 'createApiKey',
        summary: 'Create a named, scoped API key; `key` is shown in this answer only',
        body: inputSchema(ApiKeyCreateSchema),
        response: { 201: outputSchema(ApiKeyCreatedSchema), ...errorResponses() },
      },
    },
    async (request, reply): Promise<ApiKeyCreated> => {
      const createdBy = request.principal?.type === 'user' ? request.principal.id : null;
      const key = await createApiKey({ pool: fastify.db, name: request.body.name, scopes: request.body.scopes, createdBy, actor: request.actor });
      reply.code(201).header('cache-control', 'no-store');
      return key;
    },
  );

  fastify.delete<{ Params: ApiKeyIdParams }>(
    '/:id',
    {
      config: { access: STAFF_ADMIN },
      schema: {
        tags: ['staff'],
        operationId: 'revokeApiKey',
        summary: 'Revoke a key; refused from the next request on, on every instance',
        params: inputSchema(ApiKeyIdParamsSchema),
        response: { 200: outputSchema(ApiKeySchema), ...errorResponses() },
      },
    },
    async (request): Promise<ApiKey> => {
      const key = await revokeApiKey({ pool: fastify.db, id: request.params.id, actor: request.actor });
      await fastify.identity.revoke({ kind: 'key', keyId: key.id });
      return key;
    },
  );
}
