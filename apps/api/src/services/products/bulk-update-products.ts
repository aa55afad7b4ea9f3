import type { Actor, BulkProductUpdateItem, ErrorDetail, Product } from '@livecart/schemas';
import type pg from 'pg';
import { productColumns } from '../../db/product-sql.js';
import { recordChanges, type RecordedChange } from '../../db/record-changes.js';
import { withTransaction } from '../../db/transaction.js';
import { BadRequestError, NotFoundError, VersionMismatchError } from '../../domain/errors.js';
import { productChanges } from '../../domain/field-changes.js';
import { productEventTopics } from '../../domain/product-topics.js';
import { stockBelowHeld } from './stock-below-held.js';

export interface BulkUpdateProductsOptions {
  pool: pg.Pool;
  items: readonly BulkProductUpdateItem[];
  actor: Actor;
}

const LOCK = `SELECT ${productColumns()} FROM products WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`;

const UPDATE = `
  UPDATE products p
  SET price_minor = coalesce(c.price_minor, p.price_minor), stock = coalesce(c.stock, p.stock)
  FROM unnest($1::uuid[], $2::bigint[], $3::int[]) AS c(id, price_minor, stock)
  WHERE p.id = c.id
  RETURNING ${productColumns('p')}`;

function checkItems(items: readonly BulkProductUpdateItem[]): void {
  const details: ErrorDetail[] = [];
  const seen = new Set<string>();
  items.forEach((item, i) => {
    if (seen.has(item.id)) details.push({ field: `body.items[${i}].id`, message: 'appears more than once' });
    seen.add(item.id);
    if (item.priceMinor === undefined && item.stock === undefined) {
      details.push({ field: `body.items[${i}]`, message: 'must set priceMinor or stock' });
    }
  });
  if (details.length > 0) throw new BadRequestError('the bulk update is not valid', details.slice(0, 100));
}

/** Price and stock changes for many products in one transaction: every item applies, or none does. */
export async function bulkUpdateProducts(options: BulkUpdateProductsOptions): Promise<Product[]> {
  const { items } = options;
  checkItems(items);
  const ids = items.map((item) => item.id);
  return withTransaction(options.pool, async (client) => {
    // Locks in id order, as every multi-row writer does, so two bulk updates cannot deadlock.
    const { rows: locked } = await client.query<Product>(LOCK, [ids]);
    const before = new Map(locked.map((row) => [row.id, row]));
    const missing: ErrorDetail[] = [];
    const stale: ErrorDetail[] = [];
    items.forEach((item, i) => {
      const version = before.get(item.id)?.version;
      if (version === undefined) missing.push({ field: `body.items[${i}].id`, message: 'no such product' });
      else if (item.version !== undefined && item.version !== version) {
        stale.push({ field: `body.items[${i}].version`, message: `current version is ${version}` });
      }
    });
    if (missing.length > 0) throw new NotFoundError(`${missing.length} of the products do not exist`, missing.slice(0, 100));
    if (stale.length > 0) throw new VersionMismatchError(`${stale.length} of the products changed since read`, stale.slice(0, 100));

    const { rows } = await client
      .query<Product>(UPDATE, [ids, items.map((item) => item.priceMinor ?? null), items.map((item) => item.stock ?? null)])
      .catch((error: unknown) => {
        throw stockBelowHeld(error, 'body.items');
      });
    const byId = new Map(rows.map((product) => [product.id, product]));
    const updated = ids.map((id) => byId.get(id) as Product);
    const changes: RecordedChange[] = items.map((item, i) => {
      const product = updated[i] as Product;
      return {
        action: 'product.bulk_updated',
        subject: { type: 'product', id: product.id },
        change: productChanges(before.get(product.id) ?? null, product),
        event: {
          type: item.priceMinor === undefined ? 'stock.changed' : 'product.updated',
          topics: productEventTopics(product.id, product.category),
          data: product,
        },
      };
    });
    await recordChanges(client, options.actor, changes);
    return updated;
  });
}
