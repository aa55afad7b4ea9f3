import { cartWrite, type CartWriteOptions, type CartWriteResult } from './cart-write.js';
import { setLineQuantity } from './set-line-quantity.js';

export interface AddCartLineOptions extends CartWriteOptions {
  productId: string;
  quantity: number;
}

/** Puts units of a product in the cart (a new line, or more of one it has), holding them. */
export async function addCartLine(options: AddCartLineOptions): Promise<CartWriteResult> {
  return cartWrite(options, (client, cart) =>
    setLineQuantity({ client, cart, productId: options.productId, quantity: options.quantity, mode: 'add', actor: options.actor, times: options.times }),
  );
}
