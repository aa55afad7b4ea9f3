import { cartWrite, type CartWriteOptions, type CartWriteResult } from './cart-write.js';
import { setLineQuantity } from './set-line-quantity.js';

export interface UpdateCartLineOptions extends CartWriteOptions {
  productId: string;
  quantity: number;
}

/** Sets a line's quantity, holding more units or giving some back; a lapsed hold is taken again. */
export async function updateCartLine(options: UpdateCartLineOptions): Promise<CartWriteResult> {
  return cartWrite(options, (client, cart) =>
    setLineQuantity({ client, cart, productId: options.productId, quantity: options.quantity, mode: 'set', actor: options.actor, times: options.times }),
  );
}
