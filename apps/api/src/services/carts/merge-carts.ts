import type { Actor, Product } from '@livecart/schemas';
import type pg from 'pg';
import { recordChanges, type RecordedChange } from '../../db/record-changes.js';
import { CART_MAX_LINES } from '@livecart/schemas';
import { mergedQuantity } from '../../domain/cart-caps.js';
import type { CartTimes } from './cart-owner.js';
import { holdStock, lockProducts } from './hold-stock.js';
import { renewCart } from './lock-cart.js';

export interface MergeCartsOptions {
  client: pg.PoolClient;
  /** The guest session whose cart is merged (and then removed). */
  sessionId: string;
  customerId: string;
  actor: Actor;
  times: CartTimes;
}

interface Line {
  cartId: string;
  productId: string;
  quantity: number;
  held: number;
}

/**
 * At sign-in, in the caller's transaction: the guest cart's lines join the customer's cart (made if they
 * have none), quantities added, each capped by the per-line cap and by what can be held (what both lines
 * hold now plus what is still available). A line the customer already has keeps at least its quantity;
 * a new line that does not fit (the cart is full, or nothing is available) is left out. Only the net
 * change of each product's held units is applied, with one event per product that changed. The guest cart
 * is removed. Locks: both carts, their lines, then the products in id order.
 */
export async function mergeCarts(options: MergeCartsOptions): Promise<{ cartId: string | undefined; products: Product[] }> {
  const { client, actor } = options;
  const { rows: carts } = await client.query<{ id: string; customer: boolean; currency: string | null }>(
    `SELECT id, customer_id IS NOT NULL AS customer, currency FROM carts
     WHERE (session_id = $1 OR customer_id = $2) AND expires_at > now() ORDER BY id FOR UPDATE`,
    [options.sessionId, options.customerId],
  );
  const guest = carts.find((cart) => !cart.customer);
  if (guest === undefined) return { cartId: carts[0]?.id, products: [] };
  const target = carts.find((cart) => cart.customer);
  if (target === undefined) {
    // The guest cart simply becomes the customer's: nothing moves, nothing is held anew.
    await client.query('UPDATE carts SET session_id = NULL, customer_id = $2 WHERE id = $1', [guest.id, options.customerId]);
    await renewCart(client, guest.id, options.times);
    await recordChanges(client, actor, [{ action: 'cart.merged', subject: { type: 'cart', id: guest.id }, change: [{ field: 'owner', from: 'guest', to: 'customer' }] }]);
    return { cartId: guest.id, products: [] };
  }
  const { rows: lines } = await client.query<Line>(
    `SELECT cart_id AS "cartId", product_id AS "productId", quantity, held FROM cart_lines
     WHERE cart_id = ANY($1::uuid[]) ORDER BY cart_id, product_id FOR UPDATE`,
    [[guest.id, target.id]],
  );
  const mine = new Map(lines.filter((line) => line.cartId === target.id).map((line) => [line.productId, line]));
  const incoming = lines.filter((line) => line.cartId === guest.id);
  const products = await lockProducts(client, incoming.map((line) => line.productId));
  let lineCount = mine.size;
  let currency = target.currency;
  const changes: RecordedChange[] = [];
  const changed: Product[] = [];
  for (const line of [...incoming].sort((a, b) => (a.productId < b.productId ? -1 : 1))) {
    const product = products.get(line.productId);
    const existing = mine.get(line.productId);
    const heldNow = line.held + (existing?.held ?? 0);
    let quantity = product === undefined ? 0 : mergedQuantity(line.quantity, existing?.quantity ?? 0, heldNow + product.available);
    const fits = product !== undefined && (currency === null || product.currency === currency) && (existing !== undefined || lineCount < CART_MAX_LINES);
    if (!fits) quantity = 0;
    let held = quantity;
    if (existing !== undefined && quantity <= existing.quantity) {
      quantity = existing.quantity;
      held = existing.held;
    } else if (quantity > 0) {
      await client.query(
        `INSERT INTO cart_lines (cart_id, product_id, quantity, held, hold_expires_at) VALUES ($1, $2, $3, $3, now())
         ON CONFLICT (cart_id, product_id) DO UPDATE SET quantity = $3, held = $3, hold_expires_at = now()`,
        [target.id, line.productId, quantity],
      );
      if (existing === undefined) lineCount++;
      currency ??= product?.currency ?? null;
      changes.push({ action: 'cart.merged', subject: { type: 'cart', id: target.id }, change: [{ field: `quantity:${line.productId}`, from: existing?.quantity ?? null, to: quantity }] });
    }
    const delta = (quantity > 0 ? held : existing?.held ?? 0) - heldNow;
    if (delta !== 0) {
      const hold = await holdStock(client, line.productId, delta, 'cart.merged');
      if (hold === undefined) throw new Error(`product ${line.productId} could not hold ${delta} more units while merging`);
      changes.push(hold.change);
      changed.push(hold.product);
    }
  }
  await client.query('DELETE FROM carts WHERE id = $1', [guest.id]);
  await client.query('UPDATE carts SET currency = $2 WHERE id = $1', [target.id, currency]);
  await renewCart(client, target.id, options.times);
  changes.unshift({ action: 'cart.merged', subject: { type: 'cart', id: guest.id }, change: [{ field: 'mergedInto', from: null, to: target.id }] });
  await recordChanges(client, actor, changes);
  return { cartId: target.id, products: changed };
}
