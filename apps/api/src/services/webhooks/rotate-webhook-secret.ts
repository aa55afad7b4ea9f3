import type { Actor, WebhookEndpoint, WebhookEndpointWithSecret } from '@livecart/schemas';
import type pg from 'pg';
import { recordChanges } from '../../db/record-changes.js';
import { withTransaction } from '../../db/transaction.js';
import type { SecretSealer } from '../../webhooks/secret-sealer.js';
import { lockWebhookEndpoint } from './lock-webhook-endpoint.js';
import { newWebhookSecret, PREVIOUS_SECRET_GRACE_HOURS, WEBHOOK_ENDPOINT_COLUMNS } from './webhook-sql.js';

const ROTATE = `
  UPDATE webhook_endpoints
  SET previous_secret = secret, previous_secret_until = now() + make_interval(hours => $3), secret = $2, updated_at = now()
  WHERE id = $1
  RETURNING ${WEBHOOK_ENDPOINT_COLUMNS}`;

/**
 * A new signing secret, shown in the answer only. Deliveries carry signatures with both the new and the
 * replaced secret for PREVIOUS_SECRET_GRACE_HOURS, so a receiver can switch without refusing any.
 */
export async function rotateWebhookSecret(options: { pool: pg.Pool; sealer: SecretSealer; id: string; actor: Actor }): Promise<WebhookEndpointWithSecret> {
  const secret = newWebhookSecret();
  const endpoint = await withTransaction(options.pool, async (client) => {
    await lockWebhookEndpoint(client, options.id);
    const { rows } = await client.query<WebhookEndpoint>(ROTATE, [options.id, options.sealer.seal(secret, options.id), PREVIOUS_SECRET_GRACE_HOURS]);
    const rotated = rows[0] as WebhookEndpoint;
    // The audit log says that the secret changed, never what it is.
    await recordChanges(client, options.actor, [
      { action: 'webhook_endpoint.secret_rotated', subject: { type: 'webhook_endpoint', id: rotated.id }, change: [{ field: 'secret', from: 'rotated', to: 'new' }] },
    ]);
    return rotated;
  });
  return { ...endpoint, secret };
}
