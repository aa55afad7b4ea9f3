import { allows, type Access } from '../../auth/access.js';
import type { TopicAuthorizerOptions } from './topic-authorizer.js';

/** Staff who may read orders: any signed-in staff user (viewer and up), or a key with `orders:read`. */
export const ORDER_READERS: Access = { role: 'viewer', scope: 'orders:read' };

/** `order:<id>` for staff who may read orders, once the order exists. */
export async function staffReadsOrder({ db, requester, id }: TopicAuthorizerOptions): Promise<boolean> {
  const { principal } = requester;
  if (principal === null || !allows(principal, ORDER_READERS)) return false;
  const { rowCount } = await db.query('SELECT 1 FROM orders WHERE id = $1', [id]);
  return rowCount === 1;
}
