import { type Actor, type CategoryReprice, type CategoryRepriceResult, type ErrorDetail, MAX_MINOR_AMOUNT, type Product, REPRICE_MAX_PRODUCTS } from '@livecart/schemas';
import type pg from 'pg';
import { productColumns } from '../../db/product-sql.js';
import { recordChanges } from '../../db/record-changes.js';
import { withTransaction } from '../../db/transaction.js';
import { ConflictError, NotFoundError, UnprocessableError } from '../../domain/errors.js';
import { applyPriceChange } from '../../domain/price-change.js';
import { productEventTopics } from '../../domain/product-topics.js';

export interface RepriceCategoryOptions {
  pool: pg.Pool;
  request: CategoryReprice;
  actor: Actor;
}

interface LockedPrice {
  id: string;
  sku: string;
  priceMinor: number;
  currency: string;
}

/** One row past the limit is enough to know the category is too big, without locking all of it. */
const LOCK = `
  SELECT id, sku, price_minor AS "priceMinor", currency FROM products
  WHERE category = $1 ORDER BY id LIMIT $2 FOR UPDATE`;

const UPDATE = `
  UPDATE products p SET price_minor = c.price_minor
  FROM unnest($1::uuid[], $2::bigint[]) AS c(id, price_minor)
  WHERE p.id = c.id
  RETURNING ${productColumns('p')}`;

/** Refusals name the field they come from; a hundred of them say enough. */
const MAX_DETAILS = 100;

function checkCount(request: CategoryReprice, matched: number): void {
  const field = { field: 'body.category', message: '' };
  if (matched === 0) throw new NotFoundError(`no product is in category ${request.category}`, [{ ...field, message: 'has no products' }]);
  if (matched > REPRICE_MAX_PRODUCTS) {
    throw new UnprocessableError(`category ${request.category} holds more than ${REPRICE_MAX_PRODUCTS} products, more than one reprice may change`, [
      { ...field, message: `holds more than ${REPRICE_MAX_PRODUCTS} products` },
    ]);
  }
  if (request.expectedCount !== undefined && request.expectedCount !== matched) {
    throw new ConflictError(`category ${request.category} holds ${matched} products, not ${request.expectedCount}`, [
      { field: 'body.expectedCount', message: `the category holds ${matched} products` },
    ]);
  }
}

/** The new price of every product whose price moves; refuses the whole change if any product cannot take it. */
function planPrices(request: CategoryReprice, rows: readonly LockedPrice[]): Map<string, number> {
  const { change, rounding } = request;
  const prices = new Map<string, number>();
  const refusals: ErrorDetail[] = [];
  for (const row of rows) {
    if (change.kind === 'amount' && row.currency !== change.currency) {
      refusals.push({ field: 'body.change.currency', message: `${row.sku} is priced in ${row.currency}` });
      continue;
    }
    const price = applyPriceChange(row.priceMinor, change, rounding);
    if (price <= 0 || price > MAX_MINOR_AMOUNT) {
      const field = change.kind === 'percent' ? 'body.change.percent' : 'body.change.amountMinor';
      refusals.push({ field, message: `would price ${row.sku} at ${price}; a price must be 1 to ${MAX_MINOR_AMOUNT}` });
    } else if (price !== row.priceMinor) {
      prices.set(row.id, price);
    }
  }
  if (refusals.length > 0) {
    throw new UnprocessableError(`${refusals.length} of the ${rows.length} products cannot take this price change; nothing was changed`, refusals.slice(0, MAX_DETAILS));
  }
  return prices;
}

/**
 * Changes the price of every product in a category in one transaction: every product changes, or none
 * does. The category's rows are locked in id order, as every multi-row writer locks them, so a concurrent
 * PATCH, bulk update or order waits (or is waited for) instead of deadlocking, and each new price is
 * computed from the price under the lock. Each changed product gets its version bumped (by the trigger,
 * as for a PATCH) and one `product.updated` event with its new state, in the same transaction.
 */
export async function repriceCategory(options: RepriceCategoryOptions): Promise<CategoryRepriceResult> {
  const { request } = options;
  return withTransaction(options.pool, async (client) => {
    const { rows } = await client.query<LockedPrice>(LOCK, [request.category, REPRICE_MAX_PRODUCTS + 1]);
    checkCount(request, rows.length);
    const prices = planPrices(request, rows);
    if (prices.size === 0) return { category: request.category, matched: rows.length, changed: 0, items: [] };

    const { rows: changed } = await client.query<Product>(UPDATE, [[...prices.keys()], [...prices.values()]]);
    changed.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const oldPrices = new Map(rows.map((row) => [row.id, row.priceMinor]));
    await recordChanges(
      client,
      options.actor,
      changed.map((product) => ({
        action: 'product.repriced',
        subject: { type: 'product', id: product.id },
        change: [{ field: 'priceMinor', from: oldPrices.get(product.id) ?? null, to: product.priceMinor }],
        event: { type: 'product.updated', topics: productEventTopics(product.id, product.category), data: product },
      })),
    );
    return { category: request.category, matched: rows.length, changed: changed.length, items: changed };
  });
}
