import type { Product } from '@livecart/schemas';
import type { Queryable } from '../../db/pool.js';
import { PRODUCT_COLUMNS } from '../../db/product-sql.js';

export interface GetProductOptions {
  db: Queryable;
  id: string;
}

// A named statement: parsed and planned once per connection, the cheapest way to read by key.
const BY_ID = { name: 'product-by-id', text: `SELECT ${PRODUCT_COLUMNS} FROM products WHERE id = $1` };

export async function getProduct(options: GetProductOptions): Promise<Product | null> {
  const { rows } = await options.db.query<Product>({ ...BY_ID, values: [options.id] });
  return rows[0] ?? null;
}
