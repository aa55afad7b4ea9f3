import { OutOfStockError } from '../../domain/errors.js';
import { cartWrite, type CartWriteOptions, type CartWriteResult } from './cart-write.js';
import { setLineQuantity } from './set-line-quantity.js';

export interface AddCartLineOptions extends CartWriteOptions {
  productId: string;
  quantity: number;
}

/**
 * Puts units of a product in the cart (a new line, or more of one it has), holding them. A product known
 * sold out is refused at once (409, nothing read or changed), even after the request waited for a
 * connection: in a flash sale that is every loser's answer.
 */
export async function addCartLine(options: AddCartLineOptions): Promise<CartWriteResult> {
  const admit = () => {
    if (options.soldOut?.isSoldOut(options.productId) === true) {
      throw new OutOfStockError('this product is sold out', [{ field: 'body.productId', message: 'none is available' }]);
    }
  };
  return cartWrite(
    options,
    (client, cart) =>
      setLineQuantity({ client, cart, productId: options.productId, quantity: options.quantity, mode: 'add', actor: options.actor, times: options.times, soldOut: options.soldOut }),
    { admit },
  );
}
