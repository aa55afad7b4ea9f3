import type { Actor } from '@livecart/schemas';
import { digestOf } from '../../auth/credential-secret.js';
import type { Queryable } from '../../db/pool.js';
import { INSERT_SHOPPER_SESSION, newShopperSession, type CreatedShopperSession } from '../shoppers/create-shopper-session.js';
import type { CartTimes } from './cart-owner.js';
import type { OpenedCart } from './open-cart.js';
import { CART_COLUMNS, cartOf, type CartRow } from './read-cart.js';

// The session ($1-$4, as createShopperSession stores one), its cart and the cart's audit row (as
// recordChanges writes it) in one statement: one round trip, one commit.
const START = `
  WITH session AS (${INSERT_SHOPPER_SESSION}),
  cart AS (
    INSERT INTO carts (session_id, expires_at) SELECT id, now() + $5 * interval '1 millisecond' FROM session
    RETURNING ${CART_COLUMNS}, session_id AS "sessionId"
  ), audit AS (
    INSERT INTO audit_log (action, subject_type, subject_id, change, actor_type, actor_id, actor_name)
    SELECT 'cart.created', 'cart', id, '[{"field":"lines","from":null,"to":0}]'::jsonb, $6, $7, $8 FROM cart
  )
  SELECT * FROM cart`;

export interface StartGuestCartOptions {
  db: Queryable;
  now: Date;
  absoluteTimeoutS: number;
  actor: Actor;
  times: CartTimes;
}

/**
 * A new guest session with its first cart, for a cart action of a shopper who has no session: the session
 * cannot have a cart yet, so nothing is looked for, discarded or renewed (openCart does all three), and
 * both rows are written together. In a sale's first second every shopper without a cart comes through
 * here at once, and each round trip is a pooled connection held longer.
 */
export async function startGuestCart(options: StartGuestCartOptions): Promise<{ session: CreatedShopperSession; opened: OpenedCart }> {
  const { actor, now } = options;
  const session = newShopperSession(now, options.absoluteTimeoutS);
  const { rows } = await options.db.query<CartRow & { sessionId: string }>(START, [
    digestOf(session.secret),
    null,
    now,
    session.expiresAt,
    options.times.cartTtlMs,
    actor.type,
    actor.id,
    actor.name,
  ]);
  const row = rows[0];
  if (row === undefined) throw new Error('the new session and its cart were not made');
  const { sessionId, ...cart } = row;
  return { session: { ...session, id: sessionId }, opened: { cart: cartOf(cart, []), created: true, products: [] } };
}
