import { ownerCondition } from '../carts/cart-owner.js';
import type { TopicAuthorizerOptions } from './topic-authorizer.js';

/** `cart:<id>` for the session whose cart it is (a guest session's, or any session of its customer). */
export async function customerOwnsCart({ db, requester, id }: TopicAuthorizerOptions): Promise<boolean> {
  if (requester.shopper === null) return false;
  const condition = ownerCondition(requester.shopper.cart, 2);
  const { rowCount } = await db.query(`SELECT 1 FROM carts WHERE id = $1 AND ${condition.sql}`, [id, condition.value]);
  return rowCount === 1;
}
