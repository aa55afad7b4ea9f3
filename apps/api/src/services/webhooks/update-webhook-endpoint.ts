import type { Actor, WebhookEndpoint, WebhookEndpointUpdate } from '@livecart/schemas';
import type pg from 'pg';
import { recordChanges } from '../../db/record-changes.js';
import { withTransaction } from '../../db/transaction.js';
import { BadRequestError } from '../../domain/errors.js';
import { fieldChanges } from '../../domain/field-changes.js';
import type { UrlGuard } from '../../webhooks/url-guard.js';
import { checkWebhookUrl } from './check-webhook-url.js';
import { lockWebhookEndpoint } from './lock-webhook-endpoint.js';
import { WEBHOOK_ENDPOINT_AUDIT_FIELDS, WEBHOOK_ENDPOINT_COLUMNS } from './webhook-sql.js';

export interface UpdateWebhookEndpointOptions {
  pool: pg.Pool;
  guard: UrlGuard;
  id: string;
  update: WebhookEndpointUpdate;
  actor: Actor;
}

// Enabling an endpoint starts its failure clock and backoff afresh; the cursor revision makes a delivery in
// flight from before the change leave the cursor alone.
const UPDATE = `
  UPDATE webhook_endpoints SET
    url = $2, description = $3, event_types = $4, topics = $5, enabled = $6, max_batch_size = $7,
    disabled_reason = CASE WHEN $6 THEN NULL WHEN enabled THEN 'manual' ELSE disabled_reason END,
    failing_since = CASE WHEN $6 AND NOT enabled THEN NULL ELSE failing_since END,
    attempts = CASE WHEN $6 AND NOT enabled THEN 0 ELSE attempts END,
    next_attempt_at = CASE WHEN $6 AND NOT enabled THEN NULL ELSE next_attempt_at END,
    cursor_revision = cursor_revision + CASE WHEN $6 <> enabled THEN 1 ELSE 0 END,
    updated_at = now()
  WHERE id = $1
  RETURNING ${WEBHOOK_ENDPOINT_COLUMNS}`;

/** Changes the fields given; a new URL passes the SSRF rules first. Recorded only if something changed. */
export async function updateWebhookEndpoint(options: UpdateWebhookEndpointOptions): Promise<WebhookEndpoint> {
  const { update } = options;
  if (Object.keys(update).length === 0) throw new BadRequestError('the change names no field', [{ field: 'body', message: 'needs at least one of url, description, eventTypes, topics, maxBatchSize, enabled' }]);
  if (update.url !== undefined) await checkWebhookUrl(options.guard, update.url);
  return withTransaction(options.pool, async (client) => {
    const before = await lockWebhookEndpoint(client, options.id);
    const eventTypes = update.eventTypes === undefined ? before.eventTypes : update.eventTypes === null ? null : [...new Set(update.eventTypes)];
    const topics = update.topics === undefined ? before.topics : update.topics === null ? null : [...new Set(update.topics)];
    const { rows } = await client.query<WebhookEndpoint>(UPDATE, [
      options.id,
      update.url ?? before.url,
      update.description === undefined ? before.description : update.description,
      eventTypes,
      topics,
      update.enabled ?? before.enabled,
      update.maxBatchSize ?? before.maxBatchSize,
    ]);
    const after = rows[0] as WebhookEndpoint;
    const change = fieldChanges(before, after, WEBHOOK_ENDPOINT_AUDIT_FIELDS);
    if (change.length > 0) await recordChanges(client, options.actor, [{ action: 'webhook_endpoint.updated', subject: { type: 'webhook_endpoint', id: after.id }, change }]);
    return after;
  });
}
