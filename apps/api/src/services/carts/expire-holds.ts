import type { Actor, Product } from '@livecart/schemas';
import type pg from 'pg';
import { recordChanges, type RecordedChange } from '../../db/record-changes.js';
import { withTransaction } from '../../db/transaction.js';
import { holdStock, lockProducts } from './hold-stock.js';
import { recordCartUpdated } from './record-cart-updated.js';

export interface ExpireHoldsOptions {
  pool: pg.Pool;
  actor: Actor;
  /** Most holds released in one transaction. */
  batchSize: number;
}

interface DueLine {
  cartId: string;
  productId: string;
  held: number;
}

/**
 * Gives back the units of holds whose time is up: each such line is released exactly once, whichever
 * instances sweep at the same time. A line is taken with FOR UPDATE SKIP LOCKED (a line another sweeper or
 * a cart write holds is left to it) and its `held` is set to 0 in the transaction that gives its units back,
 * so a later sweep no longer sees it due. One product update, with its stock.changed event, per hold.
 * The line stays in its cart with `heldUntil` null, and each cart touched gets its `cart.updated`. Returns the products as the releases left them.
 */
export async function expireHolds(options: ExpireHoldsOptions): Promise<{ released: number; products: Product[] }> {
  return withTransaction(options.pool, async (client) => {
    const { rows: due } = await client.query<DueLine>(
      `SELECT cart_id AS "cartId", product_id AS "productId", held FROM cart_lines
       WHERE held > 0 AND hold_expires_at <= now() ORDER BY product_id, cart_id LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [options.batchSize],
    );
    if (due.length === 0) return { released: 0, products: [] };
    await lockProducts(client, [...new Set(due.map((line) => line.productId))]);
    const changes: RecordedChange[] = [];
    const products: Product[] = [];
    for (const line of due) {
      const released = await holdStock(client, line.productId, -line.held, 'reservation.expired');
      if (released === undefined) throw new Error(`product ${line.productId} could not take back ${line.held} held units`);
      changes.push({ action: 'reservation.expired', subject: { type: 'cart', id: line.cartId }, change: [{ field: `held:${line.productId}`, from: line.held, to: 0 }] }, released.change);
      products.push(released.product);
    }
    await client.query(
      `UPDATE cart_lines l SET held = 0, hold_expires_at = NULL FROM unnest($1::uuid[], $2::uuid[]) AS d(cart_id, product_id)
       WHERE l.cart_id = d.cart_id AND l.product_id = d.product_id`,
      [due.map((line) => line.cartId), due.map((line) => line.productId)],
    );
    await recordChanges(client, options.actor, changes);
    for (const cartId of new Set(due.map((line) => line.cartId))) await recordCartUpdated({ client, cartId, actor: options.actor });
    return { released: due.length, products };
  });
}
