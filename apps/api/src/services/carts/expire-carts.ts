import type { Actor, Product } from '@livecart/schemas';
import type pg from 'pg';
import { withTransaction } from '../../db/transaction.js';
import { discardCart } from './discard-cart.js';

export interface ExpireCartsOptions {
  pool: pg.Pool;
  actor: Actor;
  /** Most carts removed in one call (one transaction each). */
  batchSize: number;
}

/**
 * Removes carts idle past their time, giving back what their lines still hold. One cart per transaction,
 * taken with FOR UPDATE SKIP LOCKED: concurrent sweepers (any instance) never remove a cart twice, and no
 * transaction holds one cart's products while it waits for another cart's lines.
 */
export async function expireCarts(options: ExpireCartsOptions): Promise<{ removed: number; products: Product[] }> {
  const products: Product[] = [];
  let removed = 0;
  while (removed < options.batchSize) {
    const released = await withTransaction(options.pool, async (client) => {
      const { rows } = await client.query<{ id: string }>('SELECT id FROM carts WHERE expires_at <= now() ORDER BY expires_at LIMIT 1 FOR UPDATE SKIP LOCKED');
      const cart = rows[0];
      return cart === undefined ? undefined : discardCart(client, cart.id, options.actor, 'cart.expired');
    });
    if (released === undefined) break;
    removed++;
    products.push(...released);
  }
  return { removed, products };
}
