import { WEBHOOK_BATCH_TYPE, WEBHOOK_RESET_TYPE } from '@livecart/schemas';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** The Standard Webhooks headers every delivery carries. */
const SIGNATURE_HEADERS = [
  {
    name: 'webhook-id',
    in: 'header',
    required: true,
    description: 'The message id, the same on every attempt and replay of one message: `msg_<endpoint id>_<epoch>_<seq>` for an event, `msg_<endpoint id>_<epoch>_<first seq>-<last seq>` for a batch. De-duplicate by it (batch receivers: by each event\'s `epoch` and `seq`).',
    schema: { type: 'string' },
  },
  { name: 'webhook-timestamp', in: 'header', required: true, description: 'When it was signed, in whole seconds since the Unix epoch: refuse one too far from now.', schema: { type: 'string', pattern: '^[0-9]+$' } },
  {
    name: 'webhook-signature',
    in: 'header',
    required: true,
    description: '`v1,<base64 HMAC-SHA256 of "<webhook-id>.<webhook-timestamp>.<raw body>">` under the endpoint\'s secret; several, space-separated, while a rotated secret still signs. `verifyWebhook` of `@livecart/client/webhooks` checks it.',
    schema: { type: 'string' },
  },
];

const RESPONSES = {
  '200': { description: 'Delivered: any 2xx answer (read to its end within WEBHOOK_TIMEOUT_MS) moves the endpoint past the message.' },
  '400': { description: 'Any other answer, a redirect (not followed), a refused or reset connection or no answer in time is a failure: the same message is sent again with backoff, and no later one before it.' },
};

function delivery(operationId: string, summary: string, description: string, schema: unknown) {
  return {
    post: {
      operationId,
      summary,
      description,
      tags: ['webhooks'],
      security: [],
      parameters: SIGNATURE_HEADERS,
      requestBody: { required: true, content: { 'application/json': { schema } } },
      responses: RESPONSES,
    },
  };
}

/**
 * The document's `webhooks`: what the API POSTs to the URL of a registered endpoint (POST
 * /v1/webhook-endpoints), signed with Standard Webhooks, in seq order per endpoint, at least once.
 */
export function webhookDocs(): Record<string, unknown> {
  return {
    event: delivery(
      'receiveEvent',
      'An event, to an endpoint with maxBatchSize 1',
      'One published event, the same bytes as the live stream carries it (`epoch` included), or a reset notice (`webhook.reset`) where the endpoint\'s history broke. The next message is sent only once this one is delivered.',
      { oneOf: [ref('PublishedEvent'), ref('WebhookReset')] },
    ),
    batch: delivery(
      'receiveEventBatch',
      'A batch of events, to an endpoint with maxBatchSize above 1',
      `A \`${WEBHOOK_BATCH_TYPE}\` of up to the endpoint's \`maxBatchSize\` consecutive matching events, in seq order: the events waiting when the request was sent. A failed batch is sent again from its first event and may then carry more. Reset notices (\`${WEBHOOK_RESET_TYPE}\`) arrive alone.`,
      { oneOf: [ref('WebhookBatch'), ref('WebhookReset')] },
    ),
  };
}
