import { CART_MAX_LINE_QUANTITY, CART_MAX_LINES } from '@livecart/schemas';
import { describe, expect, it } from 'vitest';
import { checkLineQuantity, checkNewLine, mergedQuantity } from './cart-caps.js';
import { UnprocessableError } from './errors.js';

describe('cart caps', () => {
  it('allows a line up to the per-line cap and refuses one unit more, naming the field', () => {
    expect(() => checkLineQuantity(CART_MAX_LINE_QUANTITY, 'body.quantity')).not.toThrow();
    const refused = (() => {
      try {
        checkLineQuantity(CART_MAX_LINE_QUANTITY + 1, 'body.quantity');
      } catch (error) {
        return error as UnprocessableError;
      }
      return undefined;
    })();
    expect(refused).toBeInstanceOf(UnprocessableError);
    expect(refused?.details?.[0]?.field).toBe('body.quantity');
  });

  it('allows a new line while the cart has fewer than the cap, and refuses the one past it', () => {
    expect(() => checkNewLine(CART_MAX_LINES - 1, 'body.productId')).not.toThrow();
    expect(() => checkNewLine(CART_MAX_LINES, 'body.productId')).toThrow(UnprocessableError);
  });

  it('merges quantities by adding them, capped by the per-line cap and by what can be held', () => {
    expect(mergedQuantity(2, 3, 100)).toBe(5);
    expect(mergedQuantity(60, 60, 1_000)).toBe(CART_MAX_LINE_QUANTITY);
    expect(mergedQuantity(4, 4, 6)).toBe(6);
    expect(mergedQuantity(4, 4, 0)).toBe(0);
  });
});
