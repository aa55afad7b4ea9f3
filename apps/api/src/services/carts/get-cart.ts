import { cartWrite, type CartWriteOptions } from './cart-write.js';
import type { Cart } from '@livecart/schemas';

/** The owner's cart with its totals (404 for anyone else); reading it is activity, so it renews its holds. */
export async function getCart(options: CartWriteOptions): Promise<Cart> {
  return (await cartWrite(options, () => Promise.resolve(null))).cart;
}
