import type { Actor } from '@livecart/schemas';
import type pg from 'pg';
import { recordChanges } from '../../db/record-changes.js';
import { withTransaction } from '../../db/transaction.js';
import { fieldChanges } from '../../domain/field-changes.js';
import { lockWebhookEndpoint } from './lock-webhook-endpoint.js';
import { WEBHOOK_ENDPOINT_AUDIT_FIELDS } from './webhook-sql.js';

/** Removes the endpoint and its delivery log; a delivery in flight finds it gone and stops. */
export async function deleteWebhookEndpoint(options: { pool: pg.Pool; id: string; actor: Actor }): Promise<void> {
  await withTransaction(options.pool, async (client) => {
    const before = await lockWebhookEndpoint(client, options.id);
    await client.query('DELETE FROM webhook_endpoints WHERE id = $1', [options.id]);
    await recordChanges(client, options.actor, [
      { action: 'webhook_endpoint.deleted', subject: { type: 'webhook_endpoint', id: before.id }, change: fieldChanges(before, null, WEBHOOK_ENDPOINT_AUDIT_FIELDS) },
    ]);
  });
}
