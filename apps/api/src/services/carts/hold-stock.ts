import type { Product } from '@livecart/schemas';
import type pg from 'pg';
import { productColumns } from '../../db/product-sql.js';
import type { RecordedChange } from '../../db/record-changes.js';
import { productEventTopics } from '../../domain/product-topics.js';

export interface LockedProduct {
  id: string;
  currency: string;
  available: number;
}

/** Locks products (in id order, as every multi-row writer does) and reads what is available of each. */
export async function lockProducts(client: pg.PoolClient, ids: readonly string[]): Promise<Map<string, LockedProduct>> {
  const { rows } = await client.query<LockedProduct>(
    'SELECT id, currency, stock - reserved AS available FROM products WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE',
    [ids],
  );
  return new Map(rows.map((row) => [row.id, row]));
}

/**
 * Holds `delta` more units of a product (or releases `-delta`), in the caller's transaction. The condition
 * and the table's checks (reserved within stock, never negative) make Postgres the judge: a hold that does
 * not fit changes nothing and returns undefined. The row is locked from here to the end of the transaction,
 * so callers do this last, after their other statements, to keep the hottest rows' locks short. The product's version moves (the trigger), and the change
 * comes back with its stock.changed event, carrying the new availability.
 */
export async function holdStock(
  client: pg.PoolClient,
  productId: string,
  delta: number,
  action: RecordedChange['action'],
  /** When given, the product must still be priced in it (the cart's currency). */
  currency?: string,
): Promise<{ product: Product; change: RecordedChange } | undefined> {
  const { rows } = await client.query<Product & { before: number }>(
    `UPDATE products SET reserved = reserved + $2 WHERE id = $1 AND stock - reserved >= $2 AND ($3::text IS NULL OR currency = $3)
     RETURNING ${productColumns()}, stock - reserved + $2 AS before`,
    [productId, delta, currency ?? null],
  );
  const row = rows[0];
  if (row === undefined) return undefined;
  const { before, ...product } = row;
  return {
    product,
    change: {
      action,
      subject: { type: 'product', id: product.id },
      change: [{ field: 'available', from: before, to: product.available ?? product.stock }],
      event: { type: 'stock.changed', topics: productEventTopics(product.id, product.category), data: product },
    },
  };
}
