import type { Actor } from '@livecart/schemas';
import type { Queryable } from '../../db/pool.js';
import type { CartTimes } from './cart-owner.js';
import type { OpenedCart } from './open-cart.js';
import { CART_COLUMNS, cartOf, type CartRow } from './read-cart.js';

// The cart and its audit row (as recordChanges writes it) in one statement: one round trip, one commit.
const CREATE = `
  WITH cart AS (
    INSERT INTO carts (session_id, expires_at) VALUES ($1, now() + $2 * interval '1 millisecond')
    RETURNING ${CART_COLUMNS}
  ), audit AS (
    INSERT INTO audit_log (action, subject_type, subject_id, change, actor_type, actor_id, actor_name)
    SELECT 'cart.created', 'cart', id, '[{"field":"lines","from":null,"to":0}]'::jsonb, $3, $4, $5 FROM cart
  )
  SELECT * FROM cart`;

/**
 * The first cart of a guest session this request started: it cannot have one yet, so nothing is looked
 * for, discarded or renewed (openCart does all three). In a sale's first second, every shopper without a
 * cart comes through here at once, and each round trip is a pooled connection held longer.
 */
export async function openFirstCart(options: { db: Queryable; sessionId: string; actor: Actor; times: CartTimes }): Promise<OpenedCart> {
  const { actor } = options;
  const { rows } = await options.db.query<CartRow>(CREATE, [options.sessionId, options.times.cartTtlMs, actor.type, actor.id, actor.name]);
  const row = rows[0];
  if (row === undefined) throw new Error('the new session’s cart was not made');
  return { cart: cartOf(row, []), created: true, products: [] };
}
