import { OutOfStockError } from '../../domain/errors.js';
import { cartWrite, type CartWriteOptions, type CartWriteResult } from './cart-write.js';
import { setLineQuantity } from './set-line-quantity.js';

export interface AddCartLineOptions extends CartWriteOptions {
  productId: string;
  quantity: number;
}

/**
 * Puts units of a product in the cart (a new line, or more of one it has), holding them. A product known
 * sold out is refused at once (409, nothing read or changed), and so is one waiting for a connection
 * when the product becomes known sold out meanwhile: in a flash sale that is every loser's answer.
 */
export async function addCartLine(options: AddCartLineOptions): Promise<CartWriteResult> {
  const { soldOut, productId } = options;
  const soldOutError = () => new OutOfStockError('this product is sold out', [{ field: 'body.productId', message: 'none is available' }]);
  const admit = () => {
    if (soldOut?.isSoldOut(productId) === true) throw soldOutError();
  };
  return cartWrite(
    options,
    (client, cart) => setLineQuantity({ client, cart, productId, quantity: options.quantity, mode: 'add', actor: options.actor, times: options.times, soldOut }),
    { admit, ...(soldOut === undefined ? {} : { refuseWhileWaiting: (refuse) => soldOut.whenSoldOut(productId, () => refuse(soldOutError())) }) },
  );
}
