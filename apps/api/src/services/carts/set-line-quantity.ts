import type { Actor, Cart, Product } from '@livecart/schemas';
import type pg from 'pg';
import type { SoldOutBoard } from '../../cache/sold-out-board.js';
import { recordChanges, type RecordedChange } from '../../db/record-changes.js';
import { checkLineQuantity, checkNewLine } from '../../domain/cart-caps.js';
import { ConflictError, NotFoundError, OutOfStockError, UnprocessableError } from '../../domain/errors.js';
import type { CartTimes } from './cart-owner.js';
import { noteShownPrices, type CartWriteResult } from './cart-write.js';
import { holdStock } from './hold-stock.js';
import { cartForEvent, cartUpdatedEvent } from './record-cart-updated.js';
import type { LockedCart } from './lock-cart.js';

export interface SetLineQuantityOptions {
  client: pg.PoolClient;
  /** Locked by the caller (lockCart), so that its lines cannot change meanwhile. */
  cart: LockedCart;
  productId: string;
  /** The line's new quantity, or how many units to add to it (`mode`). */
  quantity: number;
  mode: 'add' | 'set';
  actor: Actor;
  times: CartTimes;
  /** Told what the product's row says when the line is refused for want of stock. */
  soldOut?: SoldOutBoard;
}

interface LineRow {
  quantity: number;
  held: number;
}

/**
 * Sets a line's quantity and holds exactly that many units for it: only the difference to what it holds
 * now is taken from (or given back to) the product, in the same transaction, with the product's event.
 * Refuses, changing nothing: an unknown product (422), one in another currency than the cart (409), more
 * than the per-line or per-cart caps (422), more than is available (409). Locks: cart (caller), line,
 * product (last, held only for the statements that must follow it), as every cart writer does.
 */
export async function setLineQuantity(options: SetLineQuantityOptions): Promise<Product[] | CartWriteResult> {
  const { client, cart, productId, actor } = options;
  const field = 'body.quantity';
  const { rows: lines } = await client.query<LineRow>('SELECT quantity, held FROM cart_lines WHERE cart_id = $1 AND product_id = $2 FOR UPDATE', [cart.id, productId]);
  const line = lines[0];
  if (line === undefined && options.mode === 'set') throw new NotFoundError(`the cart has no line for product ${productId}`);
  if (line === undefined) checkNewLine(cart.lineCount, 'body.productId');
  // Read without a lock: refusals (by far the most common answer when a product runs out) take no lock on
  // it at all. The hold below is conditional, so a stale read can only refuse early, never over-hold.
  const { rows: found } = await client.query<{ currency: string; stock: number; available: number; version: number }>(
    'SELECT currency, stock, stock - reserved AS available, version FROM products WHERE id = $1',
    [productId],
  );
  const product = found[0];
  if (product === undefined) throw new UnprocessableError('no such product', [{ field: 'body.productId', message: 'no such product' }]);
  if (cart.currency !== null && product.currency !== cart.currency) {
    throw new ConflictError(`the cart is in ${cart.currency}; this product is priced in ${product.currency}`, [
      { field: 'body.productId', message: `is priced in ${product.currency}, not ${cart.currency}` },
    ]);
  }
  const target = options.mode === 'add' ? (line?.quantity ?? 0) + options.quantity : options.quantity;
  checkLineQuantity(target, field);
  const held = line?.held ?? 0;
  const delta = target - held;
  if (delta > product.available) {
    options.soldOut?.note({ id: productId, ...product });
    throw new OutOfStockError('not enough of this product is available', [
      { field, message: `this cart can hold at most ${held + product.available} of it (${product.available} more)` },
    ]);
  }
  const changes: RecordedChange[] = [];
  await client.query(
    `INSERT INTO cart_lines (cart_id, product_id, quantity, held, hold_expires_at)
     VALUES ($1, $2, $3, $3, now() + $4 * interval '1 millisecond')
     ON CONFLICT (cart_id, product_id) DO UPDATE SET quantity = $3, held = $3, hold_expires_at = excluded.hold_expires_at`,
    [cart.id, productId, target, options.times.holdTtlMs],
  );
  if (cart.currency === null) await client.query('UPDATE carts SET currency = $2 WHERE id = $1', [cart.id, product.currency]);
  changes.push({
    action: line === undefined ? 'cart.line_added' : 'cart.line_updated',
    subject: { type: 'cart', id: cart.id },
    change: [{ field: `quantity:${productId}`, from: line?.quantity ?? null, to: target }],
  });
  if (delta === 0) {
    await recordChanges(client, actor, changes);
    return [];
  }
  // The hold takes the product's row lock, the hottest row of a sale, and keeps it to COMMIT: everything
  // else the write records is prepared before it (shown prices, the cart as its event shows it), so that
  // after it come only one statement (audit rows and events) and the COMMIT. Each round trip under that
  // lock is one more wait for every shopper queued on the product.
  await noteShownPrices(client, cart.id);
  const shown = await cartForEvent(client, cart.id);
  if (shown === undefined) throw new NotFoundError(`cart ${cart.id} does not exist`);
  const hold = await holdStock(client, productId, delta, options.mode === 'add' ? 'cart.line_added' : 'cart.line_updated', product.currency);
  // Others took what was available (or the price moved to another currency) since the read above.
  if (hold === undefined) throw new OutOfStockError('not enough of this product is available', [{ field, message: 'is more than is available now' }]);
  const available = hold.product.available ?? hold.product.stock;
  const after: Cart = { ...shown, lines: shown.lines.map((l) => (l.productId === productId ? { ...l, available } : l)) };
  await recordChanges(client, actor, [...changes, hold.change], [cartUpdatedEvent(after)]);
  return { cart: after, products: [hold.product] };
}
