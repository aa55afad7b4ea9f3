import type { Actor, Currency, Product } from '@livecart/schemas';
import type pg from 'pg';
import { recordChanges, type RecordedChange } from '../../db/record-changes.js';
import { cartTotals } from '../../domain/cart-totals.js';
import { UnprocessableError } from '../../domain/errors.js';
import type { CartOwner } from './cart-owner.js';
import { holdStock, lockProducts } from './hold-stock.js';
import { lockCart } from './lock-cart.js';
import { LINES } from './read-cart.js';
import { cartForEvent, recordCartUpdated } from './record-cart-updated.js';

export interface TakeCartForCheckoutOptions {
  /** The checkout's transaction: everything here commits or rolls back with the order it makes. */
  client: pg.PoolClient;
  cartId: string;
  owner: CartOwner;
  actor: Actor;
}

export interface CheckoutLine {
  productId: string;
  sku: string;
  name: string;
  quantity: number;
  /** The product's price now, read under its row lock: it cannot change before the transaction ends. */
  unitPriceMinor: number;
  lineTotalMinor: number;
}

export interface TakenCart {
  cartId: string;
  currency: Currency;
  lines: CheckoutLine[];
  totalMinor: number;
  /** The products as the release left them (their units are available again, to this transaction's order). */
  products: Product[];
}

/**
 * The seam between carts and checkout, for use inside the checkout's transaction: locks the owner's cart
 * (404 for anyone else's), its lines and their products (in id order, as every multi-row writer does),
 * reads the lines at the products' current prices, gives back every unit the cart holds, and removes the
 * cart (its `cart.updated` carries it with no lines). The caller then takes the stock for its order from `available` in the same transaction (as
 * place-order's conditional decrement does), so the released units cannot go to anyone else in between;
 * if the order fails, the transaction rolls back and the cart, its holds and its lines are as they were.
 * Lines whose hold lapsed are returned too: the order takes them only if they are still available.
 */
export async function takeCartForCheckout(options: TakeCartForCheckoutOptions): Promise<TakenCart> {
  const { client, actor } = options;
  const cart = await lockCart(client, options.cartId, options.owner);
  const { rows: held } = await client.query<{ productId: string; held: number }>(
    'SELECT product_id AS "productId", held FROM cart_lines WHERE cart_id = $1 ORDER BY product_id FOR UPDATE',
    [cart.id],
  );
  if (held.length === 0) throw new UnprocessableError('the cart is empty', [{ field: 'cart.lines', message: 'must not be empty' }]);
  await lockProducts(client, held.map((line) => line.productId));
  const { rows: priced } = await client.query(LINES, [cart.id]);
  const totals = cartTotals(cart.currency, priced);
  const last = await cartForEvent(client, cart.id);
  const changes: RecordedChange[] = [{ action: 'cart.checked_out', subject: { type: 'cart', id: cart.id }, change: [{ field: 'lines', from: held.length, to: null }] }];
  const products: Product[] = [];
  for (const line of held) {
    if (line.held === 0) continue;
    const released = await holdStock(client, line.productId, -line.held, 'cart.checked_out');
    if (released === undefined) throw new Error(`product ${line.productId} could not take back ${line.held} held units`);
    changes.push(released.change);
    products.push(released.product);
  }
  await client.query('DELETE FROM carts WHERE id = $1', [cart.id]);
  await recordChanges(client, actor, changes);
  if (last !== undefined) await recordCartUpdated({ client, cartId: cart.id, actor, removed: last });
  return {
    cartId: cart.id,
    currency: cart.currency as Currency,
    lines: totals.lines.map(({ productId, sku, name, quantity, unitPriceMinor, lineTotalMinor }) => ({ productId, sku, name, quantity, unitPriceMinor, lineTotalMinor })),
    totalMinor: totals.totalMinor,
    products,
  };
}
