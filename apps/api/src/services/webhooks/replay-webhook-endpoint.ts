import type { Actor, WebhookEndpoint } from '@livecart/schemas';
import type pg from 'pg';
import { recordChanges } from '../../db/record-changes.js';
import { withTransaction } from '../../db/transaction.js';
import { UnprocessableError } from '../../domain/errors.js';
import { lockWebhookEndpoint } from './lock-webhook-endpoint.js';
import { WEBHOOK_ENDPOINT_COLUMNS } from './webhook-sql.js';

export interface ReplayWebhookEndpointOptions {
  pool: pg.Pool;
  id: string;
  fromSeq: number;
  actor: Actor;
}

const HISTORY = `SELECT epoch, last_seq AS "lastSeq", (SELECT min(seq) FROM outbox WHERE seq IS NOT NULL) AS oldest FROM outbox_sequence`;

const REWIND = `
  UPDATE webhook_endpoints
  SET cursor_epoch = $2, cursor_seq = $3, cursor_revision = cursor_revision + 1,
      failing_since = NULL, attempts = 0, next_attempt_at = NULL, updated_at = now()
  WHERE id = $1
  RETURNING ${WEBHOOK_ENDPOINT_COLUMNS}`;

/**
 * Moves the endpoint's cursor back (or forward) so that it receives every matching event of the current
 * epoch from `fromSeq` on, again, in order, with the same webhook-id as before. Refused (422) for seqs the
 * outbox no longer keeps or that were never handed out.
 */
export async function replayWebhookEndpoint(options: ReplayWebhookEndpointOptions): Promise<WebhookEndpoint> {
  return withTransaction(options.pool, async (client) => {
    const before = await lockWebhookEndpoint(client, options.id);
    const { rows: history } = await client.query<{ epoch: string; lastSeq: number; oldest: number | null }>(HISTORY);
    const { epoch, lastSeq, oldest } = history[0] as { epoch: string; lastSeq: number; oldest: number | null };
    if (options.fromSeq > lastSeq + 1) {
      throw new UnprocessableError(`no event has seq ${options.fromSeq} yet`, [{ field: 'body.fromSeq', message: `the last seq handed out is ${lastSeq}` }]);
    }
    const kept = oldest ?? lastSeq + 1;
    if (options.fromSeq < kept) {
      throw new UnprocessableError(`events before seq ${kept} are no longer kept`, [{ field: 'body.fromSeq', message: `must be at least ${kept}` }]);
    }
    const { rows } = await client.query<WebhookEndpoint>(REWIND, [options.id, epoch, options.fromSeq - 1]);
    const after = rows[0] as WebhookEndpoint;
    await recordChanges(client, options.actor, [
      { action: 'webhook_endpoint.replayed', subject: { type: 'webhook_endpoint', id: after.id }, change: [{ field: 'deliveredSeq', from: before.deliveredSeq, to: after.deliveredSeq }] },
    ]);
    return after;
  });
}
