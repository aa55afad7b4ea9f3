import {
  WebhookDeliveryListQuerySchema,
  WebhookDeliveryPageSchema,
  WebhookEndpointCreateSchema,
  WebhookEndpointIdParamsSchema,
  WebhookEndpointListSchema,
  WebhookEndpointSchema,
  WebhookEndpointUpdateSchema,
  WebhookEndpointWithSecretSchema,
  WebhookReplaySchema,
  type WebhookDeliveryListQuery,
  type WebhookDeliveryPage,
  type WebhookEndpoint,
  type WebhookEndpointCreate,
  type WebhookEndpointIdParams,
  type WebhookEndpointList,
  type WebhookEndpointUpdate,
  type WebhookEndpointWithSecret,
  type WebhookReplay,
} from '@livecart/schemas';
import type { FastifyInstance } from 'fastify';
import { WEBHOOK_MANAGERS } from '../../../services/realtime-tokens/staff-manages-webhooks.js';
import { createWebhookEndpoint } from '../../../services/webhooks/create-webhook-endpoint.js';
import { deleteWebhookEndpoint } from '../../../services/webhooks/delete-webhook-endpoint.js';
import { getWebhookEndpoint } from '../../../services/webhooks/get-webhook-endpoint.js';
import { listWebhookDeliveries } from '../../../services/webhooks/list-webhook-deliveries.js';
import { listWebhookEndpoints } from '../../../services/webhooks/list-webhook-endpoints.js';
import { replayWebhookEndpoint } from '../../../services/webhooks/replay-webhook-endpoint.js';
import { rotateWebhookSecret } from '../../../services/webhooks/rotate-webhook-secret.js';
import { updateWebhookEndpoint } from '../../../services/webhooks/update-webhook-endpoint.js';
import { errorResponses, inputSchema, outputSchema } from '../../schemas.js';

const params = inputSchema(WebhookEndpointIdParamsSchema);
const tags = ['webhooks'];

export async function webhookEndpointRoutes(fastify: FastifyInstance): Promise<void> {
  const { guard } = fastify.webhooks;
  // Answers name endpoints and (twice) secrets: never kept by a cache.
  fastify.addHook('onSend', async (_request, reply) => {
    reply.header('cache-control', 'no-store');
  });

  fastify.get(
    '/',
    {
      config: { access: WEBHOOK_MANAGERS },
      schema: { tags, operationId: 'listWebhookEndpoints', summary: 'Every webhook endpoint (never its secret)', response: { 200: outputSchema(WebhookEndpointListSchema), ...errorResponses() } },
    },
    async (): Promise<WebhookEndpointList> => ({ items: await listWebhookEndpoints({ db: fastify.db }) }),
  );

  fastify.post<{ Body: WebhookEndpointCreate }>(
    '/',
    {
      config: { access: WEBHOOK_MANAGERS, openapi: { headers: { 201: ['location'] }, refusals: [422] } },
      schema: {
        tags,
        operationId: 'createWebhookEndpoint',
        summary: 'Register an endpoint; it receives the matching events published from now on. `secret` is shown in this answer only',
        body: inputSchema(WebhookEndpointCreateSchema),
        response: { 201: outputSchema(WebhookEndpointWithSecretSchema), ...errorResponses() },
      },
    },
    async (request, reply): Promise<WebhookEndpointWithSecret> => {
      const endpoint = await createWebhookEndpoint({ pool: fastify.db, guard, sealer: fastify.webhooks.sealer, input: request.body, actor: request.actor });
      reply.code(201).header('location', `/v1/webhook-endpoints/${endpoint.id}`);
      return endpoint;
    },
  );

  fastify.get<{ Params: WebhookEndpointIdParams }>(
    '/:id',
    {
      config: { access: WEBHOOK_MANAGERS },
      schema: { tags, operationId: 'getWebhookEndpoint', summary: 'One endpoint, with its cursor and failure state', params, response: { 200: outputSchema(WebhookEndpointSchema), ...errorResponses() } },
    },
    async (request): Promise<WebhookEndpoint> => getWebhookEndpoint({ db: fastify.db, id: request.params.id }),
  );

  fastify.patch<{ Params: WebhookEndpointIdParams; Body: WebhookEndpointUpdate }>(
    '/:id',
    {
      config: { access: WEBHOOK_MANAGERS, openapi: { refusals: [422] } },
      schema: {
        tags,
        operationId: 'updateWebhookEndpoint',
        summary: 'Change the URL, filters, description, or enable/disable; enabling clears the failure state',
        params,
        body: inputSchema(WebhookEndpointUpdateSchema),
        response: { 200: outputSchema(WebhookEndpointSchema), ...errorResponses() },
      },
    },
    async (request): Promise<WebhookEndpoint> => updateWebhookEndpoint({ pool: fastify.db, guard, id: request.params.id, update: request.body, actor: request.actor }),
  );

  fastify.delete<{ Params: WebhookEndpointIdParams }>(
    '/:id',
    {
      config: { access: WEBHOOK_MANAGERS },
      schema: { tags, operationId: 'deleteWebhookEndpoint', summary: 'Remove an endpoint and its delivery log', params, response: { 204: { type: 'null', description: 'Deleted' }, ...errorResponses() } },
    },
    async (request, reply) => {
      await deleteWebhookEndpoint({ pool: fastify.db, id: request.params.id, actor: request.actor });
      return reply.code(204).send();
    },
  );

  fastify.post<{ Params: WebhookEndpointIdParams }>(
    '/:id/rotate-secret',
    {
      config: { access: WEBHOOK_MANAGERS },
      schema: {
        tags,
        operationId: 'rotateWebhookSecret',
        summary: 'A new signing secret, shown in this answer only; the old one still signs beside it for 24 hours',
        params,
        response: { 200: outputSchema(WebhookEndpointWithSecretSchema), ...errorResponses() },
      },
    },
    async (request): Promise<WebhookEndpointWithSecret> => rotateWebhookSecret({ pool: fastify.db, sealer: fastify.webhooks.sealer, id: request.params.id, actor: request.actor }),
  );

  fastify.post<{ Params: WebhookEndpointIdParams; Body: WebhookReplay }>(
    '/:id/replay',
    {
      config: { access: WEBHOOK_MANAGERS, openapi: { refusals: [422] } },
      schema: {
        tags,
        operationId: 'replayWebhookEndpoint',
        summary: 'Deliver again every matching event from `fromSeq` on, in order, with the same webhook-id as before',
        params,
        body: inputSchema(WebhookReplaySchema),
        response: { 202: outputSchema(WebhookEndpointSchema), ...errorResponses() },
      },
    },
    async (request, reply): Promise<WebhookEndpoint> => {
      const endpoint = await replayWebhookEndpoint({ pool: fastify.db, id: request.params.id, fromSeq: request.body.fromSeq, actor: request.actor });
      reply.code(202);
      return endpoint;
    },
  );

  fastify.get<{ Params: WebhookEndpointIdParams; Querystring: WebhookDeliveryListQuery }>(
    '/:id/deliveries',
    {
      config: { access: WEBHOOK_MANAGERS },
      schema: {
        tags,
        operationId: 'listWebhookDeliveries',
        summary: 'The endpoint\'s delivery log, newest attempt first: status, latency, error',
        params,
        querystring: inputSchema(WebhookDeliveryListQuerySchema),
        response: { 200: outputSchema(WebhookDeliveryPageSchema), ...errorResponses() },
      },
    },
    async (request): Promise<WebhookDeliveryPage> => listWebhookDeliveries({ db: fastify.db, id: request.params.id, query: request.query }),
  );
}
