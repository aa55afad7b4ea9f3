import type { Queryable } from '../../db/pool.js';
import type { OrderOwner } from './order-owner.js';

export interface ShopperOwnsOrderOptions {
  db: Queryable;
  /** The shopper's session as an owner: its customer's, or the guest session's. */
  owner: OrderOwner;
  orderId: string;
}

/** Whether the order was placed by this customer (from any of their sessions) or by this guest session. */
export async function shopperOwnsOrder({ db, owner, orderId }: ShopperOwnsOrderOptions): Promise<boolean> {
  const [column, value] = 'customerId' in owner ? ['customer_id', owner.customerId] : ['guest_session_id', owner.guestSessionId];
  const { rowCount } = await db.query(`SELECT 1 FROM orders WHERE id = $1 AND ${column} = $2`, [orderId, value]);
  return rowCount === 1;
}
