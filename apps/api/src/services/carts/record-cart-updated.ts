import { cartTopic, type Actor, type Cart } from '@livecart/schemas';
import type pg from 'pg';
import type { PendingEvent } from '../../db/outbox.js';
import { DomainError } from '../../domain/errors.js';
import { readCart } from './read-cart.js';

export interface RecordCartUpdatedOptions {
  /** The cart write's transaction: the event commits (or rolls back) with the change it describes. */
  client: pg.PoolClient;
  cartId: string;
  actor: Actor;
  /** The cart as it was last, for a cart the write removed (checkout, expiry, merge): sent with no lines. */
  removed?: Cart;
}

/**
 * The cart as an event shows it, or nothing when it cannot be shown: a line whose product changed currency
 * makes the cart unreadable (its owner's GET is a 409 naming the line) and must not stop the write or sweep.
 */
export async function cartForEvent(client: pg.PoolClient, cartId: string): Promise<Cart | undefined> {
  try {
    return await readCart(client, cartId);
  } catch (error) {
    if (error instanceof DomainError) return undefined;
    throw error;
  }
}

const INSERT = `INSERT INTO outbox (type, topics, data, actor) VALUES ('cart.updated', $1::jsonb, $2::jsonb, $3::jsonb)`;

/** The `cart.updated` event of a cart as shown, on its private topic alone (for recordChanges' `events`). */
export function cartUpdatedEvent(cart: Cart): PendingEvent {
  return { type: 'cart.updated', topics: [cartTopic(cart.id)], data: cart };
}

/**
 * Writes the cart's `cart.updated` event (the whole cart, as GET /v1/carts/:id shows it) on its private
 * topic `cart:<id>` alone, never a public one. The write that changed the cart records its own audit row;
 * this adds only the event, with the same actor. Returns the cart it published.
 */
export async function recordCartUpdated(options: RecordCartUpdatedOptions): Promise<Cart | undefined> {
  const { client, cartId } = options;
  const cart = options.removed === undefined ? await cartForEvent(client, cartId) : { ...options.removed, lines: [], itemCount: 0, totalMinor: 0 };
  if (cart === undefined) return undefined;
  await client.query(INSERT, [JSON.stringify([cartTopic(cartId)]), JSON.stringify(cart), JSON.stringify(options.actor)]);
  return cart;
}
