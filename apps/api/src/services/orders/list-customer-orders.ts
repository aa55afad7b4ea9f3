import type { Order, OrderPage } from '@livecart/schemas';
import type { Queryable } from '../../db/pool.js';
import { decodeCursor, encodeCursor, listingFingerprint } from '../../domain/cursor.js';
import { BadCursorError } from '../../domain/errors.js';
import { ORDER_COLUMNS } from './get-order.js';

export interface ListCustomerOrdersOptions {
  db: Queryable;
  customerId: string;
  limit: number;
  cursor?: string;
}

// Keyset on (created_at, id), newest first; the key is the timestamp as Postgres prints it, so the
// microseconds survive the round trip through the cursor.
const LIST = `
  SELECT ${ORDER_COLUMNS}, o.created_at::text AS "sortKey"
  FROM orders o
  WHERE o.customer_id = $1 AND ($2::timestamptz IS NULL OR (o.created_at, o.id) < ($2::timestamptz, $3::uuid))
  ORDER BY o.created_at DESC, o.id DESC
  LIMIT $4`;

/** The customer's orders (those checked out from any session of theirs), newest first, a page at a time. */
export async function listCustomerOrders(options: ListCustomerOrdersOptions): Promise<OrderPage> {
  const fingerprint = listingFingerprint({ listing: 'customer-orders', customer: options.customerId });
  let after: { key: string; id: string } | undefined;
  if (options.cursor !== undefined) {
    const position = decodeCursor(options.cursor, fingerprint, (key) => typeof key === 'string' && key.length <= 64 && !Number.isNaN(Date.parse(key)));
    if ('ref' in position) throw new BadCursorError('cursor is not one this API issued', [{ field: 'query.cursor', message: 'is malformed' }]);
    after = { key: String(position.key), id: position.id };
  }
  const { rows } = await options.db.query<Order & { sortKey: string }>(LIST, [options.customerId, after?.key ?? null, after?.id ?? null, options.limit + 1]);
  const page = rows.slice(0, options.limit);
  const last = page.at(-1);
  const nextCursor = rows.length > options.limit && last !== undefined ? encodeCursor(fingerprint, { key: last.sortKey, id: last.id }) : null;
  return { items: page.map(({ sortKey: _, ...order }) => order), nextCursor };
}
