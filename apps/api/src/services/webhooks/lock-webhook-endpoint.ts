import type { WebhookEndpoint } from '@livecart/schemas';
import type pg from 'pg';
import { NotFoundError } from '../../domain/errors.js';
import { WEBHOOK_ENDPOINT_COLUMNS } from './webhook-sql.js';

/** The endpoint, locked for the rest of the caller's transaction; 404 when there is none. */
export async function lockWebhookEndpoint(client: pg.PoolClient, id: string): Promise<WebhookEndpoint> {
  const { rows } = await client.query<WebhookEndpoint>(`SELECT ${WEBHOOK_ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE id = $1 FOR UPDATE`, [id]);
  const endpoint = rows[0];
  if (endpoint === undefined) throw new NotFoundError(`no webhook endpoint ${id}`);
  return endpoint;
}
