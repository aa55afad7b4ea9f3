import { allows, type Access } from '../../auth/access.js';
import type { TopicAuthorizerOptions } from './topic-authorizer.js';

/** Who manages webhooks: admins, or a key with `webhooks:manage` (an integration that registers its own endpoint). */
export const WEBHOOK_MANAGERS: Access = { role: 'admin', scope: 'webhooks:manage' };

/** `webhook_endpoint:<id>` for staff who manage webhooks, once the endpoint exists. */
export async function staffManagesWebhooks({ db, requester, id }: TopicAuthorizerOptions): Promise<boolean> {
  const { principal } = requester;
  if (principal === null || !allows(principal, WEBHOOK_MANAGERS)) return false;
  const { rowCount } = await db.query('SELECT 1 FROM webhook_endpoints WHERE id = $1', [id]);
  return rowCount === 1;
}
