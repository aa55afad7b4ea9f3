import { CART_MAX_LINE_QUANTITY, CART_MAX_LINES } from '@livecart/schemas';
import { UnprocessableError } from './errors.js';

/** Refuses a line quantity over the per-line cap, naming the field that asked for it. */
export function checkLineQuantity(quantity: number, field: string): void {
  if (quantity > CART_MAX_LINE_QUANTITY) {
    throw new UnprocessableError(`a cart holds at most ${CART_MAX_LINE_QUANTITY} units of one product`, [
      { field, message: `would make the line ${quantity}; at most ${CART_MAX_LINE_QUANTITY}` },
    ]);
  }
}

/** Refuses a new line in a cart that already holds `lineCount` lines, when that is the cap. */
export function checkNewLine(lineCount: number, field: string): void {
  if (lineCount >= CART_MAX_LINES) {
    throw new UnprocessableError(`a cart holds at most ${CART_MAX_LINES} different products`, [{ field, message: `the cart already has ${CART_MAX_LINES} lines` }]);
  }
}

/**
 * A line's quantity when two carts are merged: the sum, capped by the per-line cap and by what the line
 * can hold (`holdable`: the units it holds now plus those still available).
 */
export function mergedQuantity(a: number, b: number, holdable: number): number {
  return Math.max(0, Math.min(a + b, CART_MAX_LINE_QUANTITY, holdable));
}
