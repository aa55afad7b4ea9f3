import type { WebhookDelivery, WebhookDeliveryListQuery, WebhookDeliveryPage } from '@livecart/schemas';
import type { Queryable } from '../../db/pool.js';
import { getWebhookEndpoint } from './get-webhook-endpoint.js';

const SELECT = `
  SELECT id, message_id AS "messageId", event_seq AS "eventSeq", last_event_seq AS "lastEventSeq", event_count AS "eventCount", type, attempt, status_code AS "statusCode",
         latency_ms AS "latencyMs", error, succeeded, attempted_at AS "attemptedAt"
  FROM webhook_deliveries
  WHERE endpoint_id = $1 AND ($2::bigint IS NULL OR id < $2)
  ORDER BY id DESC LIMIT $3`;

/** The endpoint's delivery log, newest attempt first; 404 for an endpoint that does not exist. */
export async function listWebhookDeliveries(options: { db: Queryable; id: string; query: WebhookDeliveryListQuery }): Promise<WebhookDeliveryPage> {
  await getWebhookEndpoint({ db: options.db, id: options.id });
  const { limit, before } = options.query;
  const { rows } = await options.db.query<WebhookDelivery>(SELECT, [options.id, before ?? null, limit + 1]);
  const items = rows.slice(0, limit);
  return { items, nextBefore: rows.length > limit ? (items.at(-1)?.id ?? null) : null };
}
