import { OPEN_CART_HEADER } from './open-cart-header';

let preparing: Promise<void> | null = null;

/**
 * Opens the shopper's cart ahead of their first add, once per page load however many Add to cart buttons
 * the shopper points at (two at once would start two guest sessions). Best effort: if it fails, the add
 * opens the cart itself, as it always could.
 */
export function prepareCart(): void {
  preparing ??= fetch('/api/cart', { method: 'POST', headers: { [OPEN_CART_HEADER]: '1' }, cache: 'no-store' }).then(
    () => undefined,
    () => {
      preparing = null;
    },
  );
}
