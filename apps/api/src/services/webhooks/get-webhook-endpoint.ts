import type { WebhookEndpoint } from '@livecart/schemas';
import type { Queryable } from '../../db/pool.js';
import { NotFoundError } from '../../domain/errors.js';
import { WEBHOOK_ENDPOINT_COLUMNS } from './webhook-sql.js';

export async function getWebhookEndpoint(options: { db: Queryable; id: string }): Promise<WebhookEndpoint> {
  const { rows } = await options.db.query<WebhookEndpoint>(`SELECT ${WEBHOOK_ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE id = $1`, [options.id]);
  const endpoint = rows[0];
  if (endpoint === undefined) throw new NotFoundError(`no webhook endpoint ${options.id}`);
  return endpoint;
}
