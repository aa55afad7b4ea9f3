import { randomUUID } from 'node:crypto';
import type { Actor, WebhookEndpoint, WebhookEndpointCreate, WebhookEndpointWithSecret } from '@livecart/schemas';
import type pg from 'pg';
import { recordChanges } from '../../db/record-changes.js';
import { withTransaction } from '../../db/transaction.js';
import { fieldChanges } from '../../domain/field-changes.js';
import type { SecretSealer } from '../../webhooks/secret-sealer.js';
import type { UrlGuard } from '../../webhooks/url-guard.js';
import { checkWebhookUrl } from './check-webhook-url.js';
import { newWebhookSecret, WEBHOOK_ENDPOINT_AUDIT_FIELDS, WEBHOOK_ENDPOINT_COLUMNS } from './webhook-sql.js';

export interface CreateWebhookEndpointOptions {
  pool: pg.Pool;
  guard: UrlGuard;
  sealer: SecretSealer;
  input: WebhookEndpointCreate;
  actor: Actor;
}

// The cursor starts at the history's present: the endpoint receives the events published from now on.
const INSERT = `
  INSERT INTO webhook_endpoints (id, url, description, event_types, topics, enabled, disabled_reason, secret, cursor_epoch, cursor_seq, max_batch_size)
  SELECT $7, $1, $2, $3, $4, $5, CASE WHEN $5 THEN NULL ELSE 'manual' END, $6, epoch, last_seq, $8 FROM outbox_sequence
  RETURNING ${WEBHOOK_ENDPOINT_COLUMNS}`;

/** A new endpoint; its signing secret is in the answer and nowhere else the API shows (stored sealed). */
export async function createWebhookEndpoint(options: CreateWebhookEndpointOptions): Promise<WebhookEndpointWithSecret> {
  const { input } = options;
  await checkWebhookUrl(options.guard, input.url);
  const id = randomUUID();
  const secret = newWebhookSecret();
  const eventTypes = input.eventTypes === undefined ? null : [...new Set(input.eventTypes)];
  const topics = input.topics === undefined ? null : [...new Set(input.topics)];
  const endpoint = await withTransaction(options.pool, async (client) => {
    const { rows } = await client.query<WebhookEndpoint>(INSERT, [input.url, input.description ?? null, eventTypes, topics, input.enabled, options.sealer.seal(secret, id), id, input.maxBatchSize]);
    const created = rows[0] as WebhookEndpoint;
    await recordChanges(client, options.actor, [
      { action: 'webhook_endpoint.created', subject: { type: 'webhook_endpoint', id: created.id }, change: fieldChanges(null, created, WEBHOOK_ENDPOINT_AUDIT_FIELDS) },
    ]);
    return created;
  });
  return { ...endpoint, secret };
}
