import type { Actor, Product } from '@livecart/schemas';
import type pg from 'pg';
import { withTransaction } from '../../db/transaction.js';
import { transitionOrder } from './transition-order.js';

export interface ExpireOrdersOptions {
  pool: pg.Pool;
  /** Orders expired in this call at most. */
  limit: number;
  actor: Actor;
}

export interface ExpiredOrders {
  orderIds: string[];
  /** The products whose stock came back, each as it is after its order's expiry. */
  products: Product[];
}

// SKIP LOCKED: an order another instance is expiring (or someone is paying) is left to it, not waited for.
const NEXT_DUE = `
  SELECT id FROM orders
  WHERE status = 'pending_payment' AND payment_due_at <= now()
  ORDER BY payment_due_at
  LIMIT 1
  FOR UPDATE SKIP LOCKED`;

/**
 * Expires unpaid orders past their payment deadline, one transaction each (the status, its event, the
 * stock given back and theirs). Safe on any number of instances at once: each order is claimed under its
 * row lock, and the transition itself refuses an order that is no longer pending_payment.
 */
export async function expireOrders(options: ExpireOrdersOptions): Promise<ExpiredOrders> {
  const expired: ExpiredOrders = { orderIds: [], products: [] };
  while (expired.orderIds.length < options.limit) {
    const done = await withTransaction(options.pool, async (client) => {
      const { rows } = await client.query<{ id: string }>(NEXT_DUE);
      const id = rows[0]?.id;
      if (id === undefined) return undefined;
      return { id, ...(await transitionOrder({ client, orderId: id, action: 'expire', actor: options.actor })) };
    });
    if (done === undefined) break;
    expired.orderIds.push(done.id);
    expired.products.push(...done.products);
  }
  return expired;
}
