import { orderEventType, orderTopic, type Actor, type ErrorDetail, type Order, type Product } from '@livecart/schemas';
import type pg from 'pg';
import type { SoldOutBoard } from '../../cache/sold-out-board.js';
import { productColumns } from '../../db/product-sql.js';
import { recordChanges } from '../../db/record-changes.js';
import { ConflictError, OutOfStockError, UnprocessableError } from '../../domain/errors.js';
import { productEventTopics } from '../../domain/product-topics.js';
import { ORDER_SELECT } from './get-order.js';
import type { OrderOwner } from './order-owner.js';

/** One line of a new order. */
export interface OrderLine {
  productId: string;
  quantity: number;
  /**
   * The unit price the shopper agreed to (a cart's, at checkout). When given and no longer the product's
   * price, the order is refused (409) rather than charged at a price nobody saw. Unset: the current price.
   */
  unitPriceMinor?: number;
}

export interface CreateOrderOptions {
  /** The caller's transaction: the order, its stock and its events commit (or roll back) with the rest of it. */
  client: pg.PoolClient;
  lines: readonly OrderLine[];
  actor: Actor;
  /** How long the order waits for its payment before it expires. */
  paymentTtlMs: number;
  /** Who placed it (a checkout's shopper): that customer's sessions, or that guest session, may act on it. */
  owner?: OrderOwner;
  /** Where the order's news go (a checkout's email); none for POST /v1/orders. */
  contactEmail?: string | null;
  /** Where the lines came from, for the fields errors name (`body.items` on POST /v1/orders). */
  field?: string;
  /** Told what the products' rows say when the order is refused for want of stock. */
  soldOut?: SoldOutBoard;
}

export interface CreatedOrder {
  order: Order;
  /** The products whose stock the order took. */
  products: Product[];
}

interface LockedRow {
  id: string;
  sku: string;
  name: string;
  price_minor: number;
  currency: string;
  stock: number;
  /** Stock less the units held in carts: what an order may take. */
  available: number;
  version: number;
}

const GLANCE = 'SELECT id, sku, name, price_minor, currency, stock, stock - reserved AS available, version FROM products WHERE id = ANY($1::uuid[])';
const LOCK = `${GLANCE} ORDER BY id FOR UPDATE`;

// The availability condition stays in the UPDATE itself: even if a caller skipped the lock, no row goes
// below what carts hold. (Checkout releases its cart's holds first, in the same transaction.)
const DECREMENT = `
  UPDATE products p SET stock = p.stock - c.quantity
  FROM unnest($1::uuid[], $2::int[]) AS c(id, quantity)
  WHERE p.id = c.id AND p.stock - p.reserved >= c.quantity
  RETURNING ${productColumns('p')}`;

const INSERT_ORDER = `
  INSERT INTO orders (status, currency, total_minor, payment_due_at, customer_id, guest_session_id, contact_email)
  VALUES ('pending_payment', $1, $2, now() + make_interval(secs => $3::double precision / 1000), $4, $5, $6)
  RETURNING id`;

const INSERT_ITEMS = `
  INSERT INTO order_items (order_id, position, product_id, sku, name, quantity, unit_price_minor, line_total_minor)
  SELECT $1, ordinality - 1, product_id, sku, name, quantity, unit_price_minor, quantity * unit_price_minor
  FROM unnest($2::uuid[], $3::text[], $4::text[], $5::int[], $6::bigint[])
    WITH ORDINALITY AS t(product_id, sku, name, quantity, unit_price_minor, ordinality)`;

/** Each product once per order; throws naming every repeated line. */
export function checkDistinctLines(lines: readonly OrderLine[], field = 'body.items'): void {
  const seen = new Set<string>();
  const details: ErrorDetail[] = [];
  lines.forEach((line, i) => {
    if (seen.has(line.productId)) details.push({ field: `${field}[${i}].productId`, message: 'appears more than once' });
    seen.add(line.productId);
  });
  if (details.length > 0) throw new UnprocessableError('each product may appear once per order', details);
}

/**
 * Refuses an order any of whose products is known sold out (see SoldOutBoard), naming each such line,
 * before anything is read: the answer the database would give, without a connection.
 */
export function refuseKnownSoldOut(lines: readonly OrderLine[], soldOut: SoldOutBoard, field = 'body.items'): void {
  const details: ErrorDetail[] = [];
  lines.forEach((line, i) => {
    if (soldOut.isSoldOut(line.productId)) details.push({ field: `${field}[${i}].quantity`, message: 'none is available' });
  });
  if (details.length > 0) throw new OutOfStockError('not enough stock for this order', details);
}

/** Checks the locked rows against the lines; throws the first reason the order cannot be placed. */
function checkAvailability(lines: readonly OrderLine[], rows: readonly LockedRow[], field: string): Map<string, LockedRow> {
  const byId = new Map(rows.map((row) => [row.id, row]));
  const missing: ErrorDetail[] = [];
  const repriced: ErrorDetail[] = [];
  const short: ErrorDetail[] = [];
  lines.forEach((line, i) => {
    const row = byId.get(line.productId);
    if (row === undefined) missing.push({ field: `${field}[${i}].productId`, message: 'no such product' });
    else if (line.unitPriceMinor !== undefined && line.unitPriceMinor !== row.price_minor) repriced.push({ field: `${field}[${i}].unitPriceMinor`, message: `the price is now ${row.price_minor}` });
    else if (row.available < line.quantity) short.push({ field: `${field}[${i}].quantity`, message: `only ${row.available} left` });
  });
  if (missing.length > 0) throw new UnprocessableError('the order names products that do not exist', missing);
  const currencies = new Set(rows.map((row) => row.currency));
  if (currencies.size > 1) throw new UnprocessableError('all products of an order must share one currency', [{ field, message: 'mixes currencies' }]);
  if (repriced.length > 0) throw new ConflictError('a price changed since it was shown: confirm the new one', repriced);
  if (short.length > 0) throw new OutOfStockError('not enough stock for this order', short);
  return byId;
}

/**
 * Creates an order waiting for its payment, in the caller's transaction: locks its products in id order
 * (so concurrent orders cannot deadlock), refuses it whole if any line lacks stock, takes the stock, and
 * records the order's `order.pending_payment` event and each product's `stock.changed` with their audit
 * rows. Checkout and POST /v1/orders both create orders through here.
 */
export async function createOrder(options: CreateOrderOptions): Promise<CreatedOrder> {
  const { client, lines, actor, owner } = options;
  const field = options.field ?? 'body.items';
  checkDistinctLines(lines, field);
  const ids = lines.map((line) => line.productId);
  // A refusal needs no lock: what the products hold now already says no (sold out, say), so a crowd of
  // losers does not queue behind the row lock the winners take. Passing this glance proves nothing: the
  // check is made again under the lock.
  const { rows: glanced } = await client.query<LockedRow>(GLANCE, [ids]);
  try {
    checkAvailability(lines, glanced, field);
  } catch (error) {
    if (error instanceof OutOfStockError) for (const row of glanced) options.soldOut?.note(row);
    throw error;
  }
  const { rows: locked } = await client.query<LockedRow>(LOCK, [ids]);
  const byId = checkAvailability(lines, locked, field);

  const quantities = lines.map((line) => line.quantity);
  const { rows: updated } = await client.query<Product>(DECREMENT, [ids, quantities]);
  if (updated.length !== lines.length) throw new OutOfStockError('not enough stock for this order');

  const rows = lines.map((line) => byId.get(line.productId) as LockedRow);
  const total = lines.reduce((sum, line, i) => sum + line.quantity * (rows[i] as LockedRow).price_minor, 0);
  if (!Number.isSafeInteger(total)) throw new UnprocessableError('the order total is too large', [{ field, message: 'total exceeds the largest amount' }]);
  const currency = (rows[0] as LockedRow).currency;

  const { rows: created } = await client.query<{ id: string }>(INSERT_ORDER, [
    currency,
    total,
    options.paymentTtlMs,
    owner !== undefined && 'customerId' in owner ? owner.customerId : null,
    owner !== undefined && 'guestSessionId' in owner ? owner.guestSessionId : null,
    options.contactEmail ?? null,
  ]);
  const orderId = (created[0] as { id: string }).id;
  await client.query(INSERT_ITEMS, [orderId, ids, rows.map((row) => row.sku), rows.map((row) => row.name), quantities, rows.map((row) => row.price_minor)]);
  const { rows: orders } = await client.query<Order>(ORDER_SELECT, [orderId]);
  const order = orders[0] as Order;
  const sorted = [...updated].sort((a, b) => (a.id < b.id ? -1 : 1));
  await recordChanges(client, actor, [
    {
      action: 'order.placed',
      subject: { type: 'order', id: orderId },
      change: [
        { field: 'status', from: null, to: order.status },
        { field: 'currency', from: null, to: currency },
        { field: 'totalMinor', from: null, to: total },
      ],
      event: { type: orderEventType(order.status), topics: [orderTopic(orderId)], data: order },
    },
    ...sorted.map((product) => ({
      action: 'order.placed' as const,
      subject: { type: 'product' as const, id: product.id },
      change: [{ field: 'stock', from: (byId.get(product.id) as LockedRow).stock, to: product.stock }],
      event: { type: 'stock.changed' as const, topics: productEventTopics(product.id, product.category), data: product },
    })),
  ]);
  return { order, products: updated };
}
