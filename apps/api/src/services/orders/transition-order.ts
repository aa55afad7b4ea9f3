import {
  nextOrderStatus,
  ORDER_TRANSITIONS,
  orderEventType,
  orderTopic,
  STOCK_RELEASING_STATUSES,
  type Actor,
  type AuditAction,
  type Order,
  type OrderAction,
  type OrderStatus,
  type Product,
} from '@livecart/schemas';
import type pg from 'pg';
import { productColumns } from '../../db/product-sql.js';
import { recordChanges, type RecordedChange } from '../../db/record-changes.js';
import { InvalidTransitionError, NotFoundError } from '../../domain/errors.js';
import { productEventTopics } from '../../domain/product-topics.js';
import { ORDER_SELECT } from './get-order.js';

export interface TransitionOrderOptions {
  /** The caller's transaction; the order row stays locked until it ends. */
  client: pg.PoolClient;
  orderId: string;
  action: OrderAction;
  actor: Actor;
}

export interface TransitionedOrder {
  order: Order;
  from: OrderStatus;
  /** The products whose stock came back (a cancelled or expired order's); empty otherwise. */
  products: Product[];
}

/** The status an action leads to, for a refusal's message (every action leads to one status). */
function targetOf(action: OrderAction): OrderStatus {
  return Object.values(ORDER_TRANSITIONS[action])[0] as OrderStatus;
}

/** Locks an order's row and reads its status; a missing order is a 404. */
export async function lockOrderStatus(client: pg.PoolClient, orderId: string): Promise<OrderStatus> {
  const { rows } = await client.query<{ status: OrderStatus }>('SELECT status FROM orders WHERE id = $1 FOR UPDATE', [orderId]);
  const status = rows[0]?.status;
  if (status === undefined) throw new NotFoundError(`order ${orderId} does not exist`);
  return status;
}

/** Throws the 409 a refused transition answers, or returns the status the action leads to. */
export function checkTransition(status: OrderStatus, action: OrderAction): OrderStatus {
  const next = nextOrderStatus(status, action);
  if (next === null) throw new InvalidTransitionError(status, targetOf(action));
  return next;
}

// Products locked in id order, as order creation locks them, so a restock and an order never deadlock.
const LOCK_PRODUCTS = `
  SELECT p.id, p.stock FROM products p
  WHERE p.id IN (SELECT product_id FROM order_items WHERE order_id = $1)
  ORDER BY p.id FOR UPDATE OF p`;

// A product deleted since the order was placed gets nothing back: there is no shelf to return it to.
const RESTOCK = `
  UPDATE products p SET stock = p.stock + i.quantity
  FROM order_items i
  WHERE i.order_id = $1 AND p.id = i.product_id
  RETURNING ${productColumns('p')}`;

/**
 * Moves an order along the state machine (ORDER_TRANSITIONS decides), in the caller's transaction: the
 * status, its `order.<status>` event on `order:<id>` and its audit row. An order that leaves for
 * `cancelled` or `expired` gives its stock back here, once: the transition out of `pending_payment` or
 * `paid` happens once, under the row lock, and neither status is left again.
 */
export async function transitionOrder(options: TransitionOrderOptions): Promise<TransitionedOrder> {
  const { client, orderId, action, actor } = options;
  const from = await lockOrderStatus(client, orderId);
  const to = checkTransition(from, action);
  await client.query('UPDATE orders SET status = $2, updated_at = now() WHERE id = $1', [orderId, to]);

  let products: Product[] = [];
  const restocked: RecordedChange[] = [];
  const auditAction = `order.${to}` as AuditAction;
  if (STOCK_RELEASING_STATUSES.includes(to)) {
    const { rows: before } = await client.query<{ id: string; stock: number }>(LOCK_PRODUCTS, [orderId]);
    const stockBefore = new Map(before.map((row) => [row.id, row.stock]));
    const { rows } = await client.query<Product>(RESTOCK, [orderId]);
    products = rows.sort((a, b) => (a.id < b.id ? -1 : 1));
    for (const product of products) {
      restocked.push({
        action: auditAction,
        subject: { type: 'product', id: product.id },
        change: [{ field: 'stock', from: stockBefore.get(product.id) ?? null, to: product.stock }],
        event: { type: 'stock.changed', topics: productEventTopics(product.id, product.category), data: product },
      });
    }
  }

  const { rows: orders } = await client.query<Order>(ORDER_SELECT, [orderId]);
  const order = orders[0] as Order;
  await recordChanges(client, actor, [
    {
      action: auditAction,
      subject: { type: 'order', id: orderId },
      change: [{ field: 'status', from, to }],
      event: { type: orderEventType(to), topics: [orderTopic(orderId)], data: order },
    },
    ...restocked,
  ]);
  return { order, from, products };
}
