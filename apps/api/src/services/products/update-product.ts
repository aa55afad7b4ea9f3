import type { Actor, Product, ProductUpdate } from '@livecart/schemas';
import type pg from 'pg';
import { productColumns } from '../../db/product-sql.js';
import { recordChanges } from '../../db/record-changes.js';
import { withTransaction } from '../../db/transaction.js';
import { BadRequestError } from '../../domain/errors.js';
import { productChanges } from '../../domain/field-changes.js';
import { productEventTopics } from '../../domain/product-topics.js';
import { lockProduct } from './lock-product.js';
import { stockBelowHeld } from './stock-below-held.js';

export type ProductChanges = Omit<ProductUpdate, 'version'>;

export interface UpdateProductOptions {
  pool: pg.Pool;
  id: string;
  changes: ProductChanges;
  actor: Actor;
  /** The versions the writer accepts (If-Match, body.version); any other current version is a VersionMismatchError. */
  expectedVersions?: readonly number[] | undefined;
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

/**
 * Locks the row, checks the expected version and updates it in one statement, returning the product
 * before (for the audit log and the old category's topic) and after: one round trip less than a separate
 * SELECT … FOR UPDATE, on the hottest write.
 */
function updateStatement(assignments: string, versionParam: number | undefined): string {
  return `WITH before AS (SELECT ${productColumns('o')} FROM products o WHERE o.id = $1 FOR UPDATE)
    UPDATE products p SET ${assignments} FROM before
    WHERE p.id = before.id${versionParam === undefined ? '' : ` AND before.version = ANY($${versionParam}::int[])`}
    RETURNING ${productColumns('p')}, to_jsonb(before) AS before`;
}

/** Applies a partial update; the version and updated_at are bumped by the database trigger. */
export async function updateProduct(options: UpdateProductOptions): Promise<Product> {
  const fields = (Object.keys(COLUMNS) as (keyof ProductChanges)[]).filter((field) => options.changes[field] !== undefined);
  if (fields.length === 0) {
    throw new BadRequestError('the update changes nothing', [{ field: 'body', message: 'must set at least one field besides version' }]);
  }
  const assignments = fields.map((field, i) => `${COLUMNS[field]} = $${i + 2}`).join(', ');
  const values: unknown[] = fields.map((field) => options.changes[field]);
  const versionParam = options.expectedVersions === undefined ? undefined : values.length + 2;
  if (options.expectedVersions !== undefined) values.push(options.expectedVersions);
  return withTransaction(options.pool, async (client) => {
    const { rows } = await client
      .query<Product & { before: Product }>(updateStatement(assignments, versionParam), [options.id, ...values])
      .catch((error: unknown) => {
        throw stockBelowHeld(error, 'body.stock');
      });
    if (rows[0] === undefined) {
      // Missing, or at another version: the lock's own checks say which (the transaction rolls back).
      await lockProduct(client, options.id, options.expectedVersions);
      throw new Error(`product ${options.id} was neither updated nor refused`);
    }
    const { before: current, ...product } = rows[0];
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
