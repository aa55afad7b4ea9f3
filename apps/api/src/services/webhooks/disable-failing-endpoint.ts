import { webhookEndpointTopic, type Actor, type WebhookEndpoint } from '@livecart/schemas';
import type pg from 'pg';
import { recordChanges } from '../../db/record-changes.js';
import { withTransaction } from '../../db/transaction.js';
import { fieldChanges } from '../../domain/field-changes.js';
import { WEBHOOK_ENDPOINT_AUDIT_FIELDS, WEBHOOK_ENDPOINT_COLUMNS } from './webhook-sql.js';

export interface DisableFailingEndpointOptions {
  pool: pg.Pool;
  id: string;
  /** The cursor revision the caller's failures were counted at: a replay or re-enable since wins. */
  revision: number;
  /** The seq of the event the endpoint could not take (its cursor + 1, or the cursor for a reset notice). */
  stuckAtSeq: number;
  lastError: string;
  /** Only while this holds (the delivery worker's lease, in the same transaction); else nothing happens. */
  fence: { sql: string; params: readonly unknown[] };
}

const ACTOR: Actor = { type: 'system', id: null, name: 'webhooks' };

/**
 * Disables an endpoint that failed for the whole failure period, with its `webhook_endpoint.disabled`
 * event and audit entry in the same transaction. False when it was not disabled here (already disabled,
 * deleted, replayed, or the caller no longer holds the worker lease).
 */
export async function disableFailingEndpoint(options: DisableFailingEndpointOptions): Promise<boolean> {
  return withTransaction(options.pool, async (client) => {
    const { rows: locked } = await client.query<WebhookEndpoint>(`SELECT ${WEBHOOK_ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE id = $1 FOR UPDATE`, [options.id]);
    const before = locked[0];
    if (before === undefined) return false;
    const base = options.fence.params.length;
    const { rows } = await client.query<WebhookEndpoint>(
      `UPDATE webhook_endpoints SET enabled = false, disabled_reason = 'failing', next_attempt_at = NULL, updated_at = now()
       WHERE id = $${base + 1} AND cursor_revision = $${base + 2} AND enabled AND ${options.fence.sql}
       RETURNING ${WEBHOOK_ENDPOINT_COLUMNS}`,
      [...options.fence.params, options.id, options.revision],
    );
    const after = rows[0];
    if (after === undefined || after.failingSince === null) return false;
    await recordChanges(client, ACTOR, [
      {
        action: 'webhook_endpoint.disabled',
        subject: { type: 'webhook_endpoint', id: after.id },
        change: fieldChanges(before, after, WEBHOOK_ENDPOINT_AUDIT_FIELDS),
        event: {
          type: 'webhook_endpoint.disabled',
          topics: [webhookEndpointTopic(after.id)],
          data: { id: after.id, failingSince: after.failingSince, stuckAtSeq: options.stuckAtSeq, lastError: options.lastError.slice(0, 500) },
        },
      },
    ]);
    return true;
  });
}
