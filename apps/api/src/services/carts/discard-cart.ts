import type { Actor, AuditAction, Product } from '@livecart/schemas';
import type pg from 'pg';
import { recordChanges, type RecordedChange } from '../../db/record-changes.js';
import { holdStock, lockProducts } from './hold-stock.js';
import { cartForEvent, recordCartUpdated } from './record-cart-updated.js';

/**
 * Removes a cart that the caller has locked, giving back every unit its lines still hold: one release,
 * with its product's event, per held line. Used when a cart expires, when a guest cart has been merged
 * into a customer's, and when an expired cart is replaced. Its `cart.updated` carries it with no lines.
 */
export async function discardCart(client: pg.PoolClient, cartId: string, actor: Actor, action: AuditAction): Promise<Product[]> {
  const last = await cartForEvent(client, cartId);
  const { rows: lines } = await client.query<{ productId: string; held: number }>(
    'SELECT product_id AS "productId", held FROM cart_lines WHERE cart_id = $1 AND held > 0 ORDER BY product_id FOR UPDATE',
    [cartId],
  );
  const changes: RecordedChange[] = [{ action, subject: { type: 'cart', id: cartId }, change: [{ field: 'lines', from: lines.length, to: null }] }];
  const products: Product[] = [];
  if (lines.length > 0) await lockProducts(client, lines.map((line) => line.productId));
  for (const line of lines) {
    const released = await holdStock(client, line.productId, -line.held, action);
    if (released !== undefined) {
      changes.push(released.change);
      products.push(released.product);
    }
  }
  await client.query('DELETE FROM carts WHERE id = $1', [cartId]);
  await recordChanges(client, actor, changes);
  if (last !== undefined) await recordCartUpdated({ client, cartId, actor, removed: last });
  return products;
}
