import { createHash } from 'node:crypto';
import type { Actor, ErrorDetail, Order, Product } from '@livecart/schemas';
import type pg from 'pg';
import { CartEmptyError, DomainError, PriceChangedError } from '../../domain/errors.js';
import { ownerCondition, type CartOwner } from '../carts/cart-owner.js';
import { readCart } from '../carts/read-cart.js';
import { takeCartForCheckout } from '../carts/take-cart-for-checkout.js';
import { createOrder } from './create-order.js';
import type { OrderOwner } from './order-owner.js';
import { runIdempotent } from './run-idempotent.js';

export interface CheckOutCartOptions {
  pool: pg.Pool;
  /** The session's cart: a guest session's or its customer's. */
  cartOwner: CartOwner;
  /** Who the order will belong to. */
  orderOwner: OrderOwner;
  /** The total the shopper confirmed, in the cart's minor units. */
  expectedTotalMinor: number;
  /** Where the order's news go (the order's `email`). */
  contactEmail: string | null;
  idempotencyKey?: string;
  actor: Actor;
  paymentTtlMs: number;
}

export interface CheckedOutCart {
  order: Order;
  /** The products whose stock the order took (none for a replay). */
  products: Product[];
  replayed: boolean;
}

/** The session's live cart, locked, with its line count; undefined when it has none. */
async function lockOwnersCart(client: pg.PoolClient, owner: CartOwner): Promise<{ id: string; lineCount: number } | undefined> {
  const condition = ownerCondition(owner, 1);
  const { rows } = await client.query<{ id: string; lineCount: number }>(
    `SELECT id, (SELECT count(*)::int FROM cart_lines WHERE cart_id = carts.id) AS "lineCount"
     FROM carts WHERE ${condition.sql} AND expires_at > now() FOR UPDATE`,
    [condition.value],
  );
  return rows[0];
}

/** Each line whose price is not the one it was last shown at, as `lines.<productId>`: `old → new`. */
function repricedLines(shown: ReadonlyMap<string, number | null>, lines: readonly { productId: string; unitPriceMinor: number }[]): ErrorDetail[] {
  return lines.flatMap((line) => {
    const before = shown.get(line.productId) ?? null;
    if (before === line.unitPriceMinor) return [];
    return [{ field: `lines.${line.productId}`, message: before === null ? `unit price now ${line.unitPriceMinor}` : `unit price ${before} → ${line.unitPriceMinor}` }];
  });
}

/**
 * Two checkouts are "the same" for an Idempotency-Key when the same shopper confirmed the same total for
 * the same contact email.
 */
function checkoutRequestHash(owner: CartOwner, expectedTotalMinor: number, contactEmail: string | null): string {
  const who = 'sessionId' in owner ? `session:${owner.sessionId}` : `customer:${owner.customerId}`;
  return createHash('sha256').update(JSON.stringify(['checkout', who, expectedTotalMinor, contactEmail])).digest('base64url');
}

/**
 * Turns the session's cart into an order waiting for its payment, in one transaction: the cart is locked,
 * taken at its products' current prices (its holds given back, the cart removed; see takeCartForCheckout)
 * and the order takes the units. Refused, with nothing changed: no cart or an empty one (CART_EMPTY); a
 * total other than the one the shopper confirmed (PRICE_CHANGED, naming the new total and each repriced
 * line, the current cart beside the envelope); units no longer available after a lapsed hold (OUT_OF_STOCK).
 * Once per Idempotency-Key, as POST /v1/orders.
 */
export async function checkOutCart(options: CheckOutCartOptions): Promise<CheckedOutCart> {
  const { cartOwner, expectedTotalMinor, actor } = options;
  try {
    const outcome = await runIdempotent({
      pool: options.pool,
      idempotencyKey: options.idempotencyKey,
      requestHash: checkoutRequestHash(cartOwner, expectedTotalMinor, options.contactEmail),
      what: 'a different checkout',
      work: async (client) => {
        const cart = await lockOwnersCart(client, cartOwner);
        if (cart === undefined || cart.lineCount === 0) throw new CartEmptyError('there is nothing to check out: the cart is empty', [{ field: 'cart.lines', message: 'must not be empty' }]);
        const { rows: shownRows } = await client.query<{ productId: string; shown: string | null }>(
          'SELECT product_id AS "productId", shown_price_minor AS shown FROM cart_lines WHERE cart_id = $1',
          [cart.id],
        );
        const shown = new Map(shownRows.map((row) => [row.productId, row.shown === null ? null : Number(row.shown)]));
        const taken = await takeCartForCheckout({ client, cartId: cart.id, owner: cartOwner, actor });
        if (taken.totalMinor !== expectedTotalMinor) {
          throw new PriceChangedError('the cart’s total is not the one confirmed: confirm the new total', [
            { field: 'totalMinor', message: String(taken.totalMinor) },
            { field: 'expectedTotalMinor', message: String(expectedTotalMinor) },
            ...repricedLines(shown, taken.lines),
          ]);
        }
        const lines = taken.lines.map(({ productId, quantity, unitPriceMinor }) => ({ productId, quantity, unitPriceMinor }));
        return createOrder({ client, lines, actor, paymentTtlMs: options.paymentTtlMs, owner: options.orderOwner, contactEmail: options.contactEmail, field: 'cart.lines' });
      },
    });
    return outcome.replayed ? { order: outcome.order, products: [], replayed: true } : { ...outcome.result, replayed: false };
  } catch (error) {
    if (error instanceof DomainError && error.code === 'PRICE_CHANGED') error.extra = { cart: await currentCart(options.pool, cartOwner) };
    throw error;
  }
}

/** The owner's cart as GET /v1/carts/:id shows it now, for a refused checkout's answer. */
async function currentCart(pool: pg.Pool, owner: CartOwner) {
  const condition = ownerCondition(owner, 1);
  const { rows } = await pool.query<{ id: string }>(`SELECT id FROM carts WHERE ${condition.sql}`, [condition.value]);
  const id = rows[0]?.id;
  return id === undefined ? undefined : readCart(pool, id);
}
