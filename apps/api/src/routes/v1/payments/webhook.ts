import { PaymentWebhookReceivedSchema, PaymentWebhookSchema, WebhookHeadersSchema, type PaymentWebhook, type PaymentWebhookReceived } from '@livecart/schemas';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { handlePaymentWebhook } from '../../../services/payments/handle-payment-webhook.js';
import { errorResponses, inputSchema, outputSchema } from '../../schemas.js';

/**
 * POST /v1/payments/webhooks/test: the test provider's confirmations. Public (the provider holds no
 * credential of ours): a delivery is believed only when its Standard Webhooks signature verifies over the
 * body's exact bytes, which this scope keeps (its JSON parser reads the body as a buffer first).
 */
export async function paymentWebhookRoute(fastify: FastifyInstance): Promise<void> {
  const rawBodies = new WeakMap<FastifyRequest, Buffer>();
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    rawBodies.set(request, body as Buffer);
    parseJson(request, (body as Buffer).toString('utf8'), done);
  });

  fastify.post<{ Body: PaymentWebhook; Reply: PaymentWebhookReceived }>(
    '/webhooks/test',
    {
      // Verified before the body is validated: an unsigned caller learns nothing about what would pass.
      preValidation: async (request) => {
        const provider = fastify.payments.get('test');
        if (provider === undefined) throw new Error('the test payment provider is not configured');
        provider.verifyWebhook({ headers: request.headers, rawBody: rawBodies.get(request) ?? Buffer.alloc(0) });
      },
      config: { openapi: { refusals: [401, 409] } },
      schema: {
        operationId: 'receiveTestPaymentWebhook',
        tags: ['payments'],
        summary: 'The test payment provider\'s webhook: a payment succeeded or failed (signed, Standard Webhooks)',
        description:
          'Signed with PAYMENT_WEBHOOK_SECRET: HMAC-SHA256 over `<webhook-id>.<webhook-timestamp>.<body>`, `webhook-signature: v1,<base64>`. A missing header is 400; a wrong signature, or one older (or further ahead) than PAYMENT_WEBHOOK_TOLERANCE_S, is 401; nothing changes. A delivery id seen before changes nothing and answers 200 with `processed: false`. 409 while the payment it names is not recorded yet: the provider retries.',
        headers: inputSchema(WebhookHeadersSchema),
        body: inputSchema(PaymentWebhookSchema),
        response: { 200: outputSchema(PaymentWebhookReceivedSchema), ...errorResponses() },
      },
    },
    async (request) => {
      const provider = fastify.payments.get('test');
      if (provider === undefined) throw new Error('the test payment provider is not configured');
      const deliveryId = request.headers['webhook-id'] as string;
      const outcome = await handlePaymentWebhook({ pool: fastify.db, provider, deliveryId, webhook: request.body, log: request.log });
      if (outcome.kind === 'paid') await Promise.all(outcome.products.map((product) => fastify.productCache.recordWrite(product.id, product.version, product)));
      return { processed: outcome.kind !== 'replayed' };
    },
  );
}
