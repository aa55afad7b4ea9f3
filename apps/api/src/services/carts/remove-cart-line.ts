import type { Product } from '@livecart/schemas';
import { recordChanges, type RecordedChange } from '../../db/record-changes.js';
import { NotFoundError } from '../../domain/errors.js';
import { cartWrite, type CartWriteOptions, type CartWriteResult } from './cart-write.js';
import { holdStock, lockProducts } from './hold-stock.js';

export interface RemoveCartLineOptions extends CartWriteOptions {
  productId: string;
}

/** Takes a line out of the cart and gives its held units back; an emptied cart forgets its currency. */
export async function removeCartLine(options: RemoveCartLineOptions): Promise<CartWriteResult> {
  const { productId } = options;
  return cartWrite(options, async (client, cart) => {
    const { rows } = await client.query<{ quantity: number; held: number }>(
      'SELECT quantity, held FROM cart_lines WHERE cart_id = $1 AND product_id = $2 FOR UPDATE',
      [cart.id, productId],
    );
    const line = rows[0];
    if (line === undefined) throw new NotFoundError(`the cart has no line for product ${productId}`);
    const changes: RecordedChange[] = [{ action: 'cart.line_removed', subject: { type: 'cart', id: cart.id }, change: [{ field: `quantity:${productId}`, from: line.quantity, to: null }] }];
    const products: Product[] = [];
    if (line.held > 0) {
      await lockProducts(client, [productId]);
      const released = await holdStock(client, productId, -line.held, 'cart.line_removed');
      if (released !== undefined) {
        changes.push(released.change);
        products.push(released.product);
      }
    }
    await client.query('DELETE FROM cart_lines WHERE cart_id = $1 AND product_id = $2', [cart.id, productId]);
    if (cart.lineCount === 1) await client.query('UPDATE carts SET currency = NULL WHERE id = $1', [cart.id]);
    await recordChanges(client, options.actor, changes);
    return products;
  });
}
