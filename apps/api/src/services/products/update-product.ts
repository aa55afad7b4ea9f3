import type { Actor, Product, ProductUpdate } from '@livecart/schemas';
import type pg from 'pg';
import { PRODUCT_COLUMNS } from '../../db/product-sql.js';
import { recordChanges } from '../../db/record-changes.js';
import { withTransaction } from '../../db/transaction.js';
import { BadRequestError } from '../../domain/errors.js';
import { productChanges } from '../../domain/field-changes.js';
import { productEventTopics } from '../../domain/product-topics.js';
import { lockProduct } from './lock-product.js';

export type ProductChanges = Omit<ProductUpdate, 'version'>;

export interface UpdateProductOptions {
  pool: pg.Pool;
  id: string;
  changes: ProductChanges;
  actor: Actor;
  /** The version the writer last saw; a different current version is a VersionMismatchError. */
  expectedVersion?: number;
}

const COLUMNS: Record<keyof ProductChanges, string> = {
  name: 'name',
  description: 'description',
  category: 'category',
  priceMinor: 'price_minor',
  currency: 'currency',
  stock: 'stock',
  imageUrl: 'image_url',
};

/** Applies a partial update; the version and updated_at are bumped by the database trigger. */
export async function updateProduct(options: UpdateProductOptions): Promise<Product> {
  const fields = (Object.keys(COLUMNS) as (keyof ProductChanges)[]).filter((field) => options.changes[field] !== undefined);
  if (fields.length === 0) {
    throw new BadRequestError('the update changes nothing', [{ field: 'body', message: 'must set at least one field besides version' }]);
  }
  const assignments = fields.map((field, i) => `${COLUMNS[field]} = $${i + 2}`).join(', ');
  const values = fields.map((field) => options.changes[field]);
  return withTransaction(options.pool, async (client) => {
    const current = await lockProduct(client, options.id, options.expectedVersion);
    const { rows } = await client.query<Product>(
      `UPDATE products SET ${assignments} WHERE id = $1 RETURNING ${PRODUCT_COLUMNS}`,
      [options.id, ...values],
    );
    const product = rows[0] as Product;
    const stockOnly = fields.length === 1 && fields[0] === 'stock';
    await recordChanges(client, options.actor, [
      {
        action: 'product.updated',
        subject: { type: 'product', id: product.id },
        change: productChanges(current, product),
        event: {
          type: stockOnly ? 'stock.changed' : 'product.updated',
          topics: productEventTopics(product.id, product.category, current.category),
          data: product,
        },
      },
    ]);
    return product;
  });
}
