/** Asks `POST /api/cart` to open the shopper's cart (a custom header: cross-site requests need a preflight to send it). */
export const OPEN_CART_HEADER = 'x-livecart-open-cart';
