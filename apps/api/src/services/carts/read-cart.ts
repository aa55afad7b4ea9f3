import type { Cart } from '@livecart/schemas';
import type { Queryable } from '../../db/pool.js';
import { cartTotals, type PricedLine } from '../../domain/cart-totals.js';

export interface CartRow {
  id: string;
  currency: Cart['currency'];
  expiresAt: string;
  updatedAt: string;
}

/** A cart row's columns as `CartRow` names them. */
export const CART_COLUMNS = 'id, currency, expires_at AS "expiresAt", updated_at AS "updatedAt"';

const CART = `SELECT ${CART_COLUMNS} FROM carts WHERE id = $1`;

/** A line at its product's current price; `available` is what others may still take. */
export const LINES = `
  SELECT l.product_id AS "productId", p.sku, p.name, l.quantity, p.price_minor AS "unitPriceMinor", p.currency,
         p.stock - p.reserved AS available, CASE WHEN l.held > 0 THEN l.hold_expires_at END AS "heldUntil"
  FROM cart_lines l JOIN products p ON p.id = l.product_id
  WHERE l.cart_id = $1
  ORDER BY l.added_at, l.product_id`;

/** The cart as its owner sees it, with its totals; ownership is the caller's to have checked. */
export async function readCart(db: Queryable, id: string): Promise<Cart | undefined> {
  const [{ rows: carts }, { rows: lines }] = await Promise.all([db.query<CartRow>(CART, [id]), db.query<PricedLine>(LINES, [id])]);
  const cart = carts[0];
  return cart === undefined ? undefined : cartOf(cart, lines);
}

/** A cart row and its lines as the owner sees them, with the totals. */
export function cartOf(cart: CartRow, lines: PricedLine[]): Cart {
  return { id: cart.id, currency: cart.currency, ...cartTotals(cart.currency, lines), expiresAt: cart.expiresAt, updatedAt: cart.updatedAt };
}
