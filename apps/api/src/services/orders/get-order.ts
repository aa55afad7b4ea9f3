import type { Order } from '@livecart/schemas';
import type { Queryable } from '../../db/pool.js';

export interface GetOrderOptions {
  db: Queryable;
  id: string;
}

/** An order's fields as OrderSchema names them, from `orders o`. */
export const ORDER_COLUMNS = `
  o.id, o.status, o.currency, o.total_minor AS "totalMinor", o.created_at AS "createdAt",
    o.updated_at AS "updatedAt", o.payment_due_at AS "paymentDueAt",
    o.contact_email AS email,
    (SELECT json_agg(json_build_object(
        'productId', i.product_id, 'sku', i.sku, 'name', i.name, 'quantity', i.quantity,
        'unitPriceMinor', i.unit_price_minor, 'lineTotalMinor', i.line_total_minor) ORDER BY i.position)
     FROM order_items i WHERE i.order_id = o.id) AS items`;

export const ORDER_SELECT = `SELECT ${ORDER_COLUMNS} FROM orders o WHERE o.id = $1`;

export async function getOrder(options: GetOrderOptions): Promise<Order | null> {
  const { rows } = await options.db.query<Order>(ORDER_SELECT, [options.id]);
  return rows[0] ?? null;
}
