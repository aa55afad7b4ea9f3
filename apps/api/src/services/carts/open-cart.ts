import type { Actor, Cart, Product } from '@livecart/schemas';
import type pg from 'pg';
import { recordChanges } from '../../db/record-changes.js';
import { withTransaction } from '../../db/transaction.js';
import { ownerCondition, type CartOwner, type CartTimes } from './cart-owner.js';
import { discardCart } from './discard-cart.js';
import { renewCart } from './lock-cart.js';
import { readCart } from './read-cart.js';

export interface OpenCartOptions {
  pool: pg.Pool;
  owner: CartOwner;
  actor: Actor;
  times: CartTimes;
}

export interface OpenedCart {
  cart: Cart;
  created: boolean;
  /** Products whose availability changed (an expired cart's holds given back). */
  products: Product[];
}

/**
 * The owner's current cart, made if they have none. An expired cart the sweeper has not removed yet is
 * removed here (its holds given back) and replaced. Opening is activity: the cart and its holds are renewed.
 */
export async function openCart(options: OpenCartOptions): Promise<OpenedCart> {
  const condition = ownerCondition(options.owner, 1);
  const column = 'sessionId' in options.owner ? 'session_id' : 'customer_id';
  return withTransaction(options.pool, async (client) => {
    const find = async () =>
      (await client.query<{ id: string; expired: boolean }>(`SELECT id, expires_at <= now() AS expired FROM carts WHERE ${condition.sql} FOR UPDATE`, [condition.value])).rows[0];
    let found = await find();
    let products: Product[] = [];
    if (found?.expired === true) {
      products = await discardCart(client, found.id, options.actor, 'cart.expired');
      found = undefined;
    }
    let id = found?.id;
    if (id === undefined) {
      const { rows } = await client.query<{ id: string }>(
        `INSERT INTO carts (${column}, expires_at) VALUES ($1, now() + $2 * interval '1 millisecond')
         ON CONFLICT (${column}) WHERE ${column} IS NOT NULL DO NOTHING RETURNING id`,
        [condition.value, options.times.cartTtlMs],
      );
      id = rows[0]?.id;
      if (id !== undefined) await recordChanges(client, options.actor, [{ action: 'cart.created', subject: { type: 'cart', id }, change: [{ field: 'lines', from: null, to: 0 }] }]);
    }
    // Another request of the same owner made it first (and has committed: the insert waited for it).
    const created = id !== undefined && found === undefined;
    id ??= (await find())?.id;
    if (id === undefined) throw new Error('the owner’s cart could be neither found nor made');
    await renewCart(client, id, options.times);
    const cart = await readCart(client, id);
    if (cart === undefined) throw new Error(`cart ${id} vanished while locked`);
    return { cart, created, products };
  });
}
