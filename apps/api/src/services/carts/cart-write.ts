import type { Actor, Cart, Product } from '@livecart/schemas';
import type pg from 'pg';
import type { SoldOutBoard } from '../../cache/sold-out-board.js';
import { withTransaction, type TransactionOptions } from '../../db/transaction.js';
import { NotFoundError } from '../../domain/errors.js';
import type { CartOwner, CartTimes } from './cart-owner.js';
import { lockCart, renewCart, type LockedCart } from './lock-cart.js';
import { readCart } from './read-cart.js';
import { recordCartUpdated } from './record-cart-updated.js';

export interface CartWriteOptions {
  pool: pg.Pool;
  cartId: string;
  owner: CartOwner;
  actor: Actor;
  times: CartTimes;
  /** Products known sold out (see SoldOutBoard): asking for more of one is refused before the database. */
  soldOut?: SoldOutBoard;
}

/** A cart after a write, and the products whose availability the write changed (for the caches). */
export interface CartWriteResult {
  cart: Cart;
  products: Product[];
}

/**
 * The frame of every write to one cart: one transaction that locks the owner's cart (404 for anyone
 * else's), renews the cart and its holds (activity), runs the change, notes the prices its lines are now
 * shown at (what a refused checkout names as the old price), and records the cart's `cart.updated` event
 * with the cart as it is answered. A read (`change` returning null) renews too, but records no event. A
 * change may finish the write itself (returning the cart it recorded), to keep its last statements short.
 */
export async function cartWrite(
  options: CartWriteOptions,
  change: (client: pg.PoolClient, cart: LockedCart) => Promise<Product[] | null | CartWriteResult>,
  transaction?: TransactionOptions,
): Promise<CartWriteResult> {
  return withTransaction(options.pool, async (client) => {
    const locked = await lockCart(client, options.cartId, options.owner);
    // Renewing first also locks the cart's held lines before any product, the order every writer keeps
    // (cart, lines, products), so that a sweeper holding lines and waiting for a product cannot deadlock it.
    await renewCart(client, locked.id, options.times);
    const changed = await change(client, locked);
    // A change that holds stock records the cart and its event itself, before and with its hold (see setLineQuantity).
    if (changed !== null && !Array.isArray(changed)) return changed;
    const products = changed as Product[] | null;
    await noteShownPrices(client, locked.id);
    const cart = products === null ? await readCart(client, locked.id) : await recordCartUpdated({ client, cartId: locked.id, actor: options.actor });
    if (cart === undefined) throw new NotFoundError(`cart ${locked.id} does not exist`);
    return { cart, products: products ?? [] };
  }, transaction);
}

/** Each line's price as the cart now shows it; a line's row is already locked by the cart's writer. */
export async function noteShownPrices(client: pg.PoolClient, cartId: string): Promise<void> {
  await client.query(
    `UPDATE cart_lines l SET shown_price_minor = p.price_minor FROM products p
     WHERE l.cart_id = $1 AND p.id = l.product_id AND l.shown_price_minor IS DISTINCT FROM p.price_minor`,
    [cartId],
  );
}
