/**
 * The cart this browser last used. Not a credential: the API serves a cart only to its owner's shopper
 * session, so this id only spares an extra API call to find the cart again.
 */
export const CART_ID_COOKIE = 'livecart_cart';
