import type { WebhookEndpoint } from '@livecart/schemas';
import type { Queryable } from '../../db/pool.js';
import { WEBHOOK_ENDPOINT_COLUMNS } from './webhook-sql.js';

/** Every endpoint, oldest first. */
export async function listWebhookEndpoints(options: { db: Queryable }): Promise<WebhookEndpoint[]> {
  const { rows } = await options.db.query<WebhookEndpoint>(`SELECT ${WEBHOOK_ENDPOINT_COLUMNS} FROM webhook_endpoints ORDER BY created_at, id`);
  return rows;
}
