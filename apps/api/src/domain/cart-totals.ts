import { CART_MAX_TOTAL_MINOR, type Cart, type CartLine } from '@livecart/schemas';
import { ConflictError, UnprocessableError } from './errors.js';

/** A cart line before its total: the product as it is now, the line's quantity and hold. */
export type PricedLine = Omit<CartLine, 'lineTotalMinor'>;

export type CartTotals = Pick<Cart, 'lines' | 'itemCount' | 'totalMinor'>;

/**
 * Line totals, unit count and cart total in integer minor units of the cart's one currency. A line whose
 * product is now priced in another currency (staff changed it after it was added) cannot be summed: the
 * cart is refused with the line named, and removing that line fixes it.
 */
export function cartTotals(currency: string | null, lines: readonly PricedLine[]): CartTotals {
  const foreign = lines.filter((line) => line.currency !== currency);
  if (foreign.length > 0) {
    throw new ConflictError(
      `the cart is in ${currency ?? 'no currency'}; ${foreign.length} of its lines are now priced in another currency: remove them`,
      foreign.map((line) => ({ field: `lines[${line.productId}].currency`, message: `is ${line.currency}, not ${currency ?? 'the cart’s'}` })),
    );
  }
  let itemCount = 0;
  let totalMinor = 0;
  const totalled = lines.map((line) => {
    const lineTotalMinor = line.quantity * line.unitPriceMinor;
    itemCount += line.quantity;
    totalMinor += lineTotalMinor;
    return { ...line, lineTotalMinor };
  });
  if (!Number.isSafeInteger(totalMinor) || totalMinor > CART_MAX_TOTAL_MINOR) {
    throw new UnprocessableError('the cart total is too large', [{ field: 'lines', message: 'total exceeds the largest amount' }]);
  }
  return { lines: totalled, itemCount, totalMinor };
}
