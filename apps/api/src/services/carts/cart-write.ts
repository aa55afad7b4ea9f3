import type { Actor, Cart, Product } from '@livecart/schemas';
import type pg from 'pg';
import { withTransaction } from '../../db/transaction.js';
import { NotFoundError } from '../../domain/errors.js';
import type { CartOwner, CartTimes } from './cart-owner.js';
import { lockCart, renewCart, type LockedCart } from './lock-cart.js';
import { readCart } from './read-cart.js';

export interface CartWriteOptions {
  pool: pg.Pool;
  cartId: string;
  owner: CartOwner;
  actor: Actor;
  times: CartTimes;
}

/** A cart after a write, and the products whose availability the write changed (for the caches). */
export interface CartWriteResult {
  cart: Cart;
  products: Product[];
}

/**
 * The frame of every write to one cart: one transaction that locks the owner's cart (404 for anyone
 * else's), renews the cart and its holds (activity), runs the change; then reads the cart back.
 */
export async function cartWrite(options: CartWriteOptions, change: (client: pg.PoolClient, cart: LockedCart) => Promise<Product[]>): Promise<CartWriteResult> {
  const { id, products } = await withTransaction(options.pool, async (client) => {
    const cart = await lockCart(client, options.cartId, options.owner);
    // Renewing first also locks the cart's held lines before any product, the order every writer keeps
    // (cart, lines, products), so that a sweeper holding lines and waiting for a product cannot deadlock it.
    await renewCart(client, cart.id, options.times);
    return { id: cart.id, products: await change(client, cart) };
  });
  // Read after the commit, so that no product lock waits for it; a write of the owner's in between shows.
  const read = await readCart(options.pool, id);
  if (read === undefined) throw new NotFoundError(`cart ${id} does not exist`);
  return { cart: read, products };
}
