import type { Actor, ErrorDetail, Order, OrderItemInput, Product } from '@livecart/schemas';
import type pg from 'pg';
import { productColumns } from '../../db/product-sql.js';
import { recordChanges } from '../../db/record-changes.js';
import { withTransaction } from '../../db/transaction.js';
import { DomainError, IdempotencyKeyReusedError, OutOfStockError, ReplayedError, UnprocessableError } from '../../domain/errors.js';
import { productEventTopics } from '../../domain/product-topics.js';
import { ORDER_SELECT } from './get-order.js';
import { orderRequestHash } from './request-hash.js';

export interface PlaceOrderOptions {
  pool: pg.Pool;
  items: readonly OrderItemInput[];
  idempotencyKey?: string;
  /** A shopper's order is the guest actor's; a job's or a key's is theirs. */
  actor: Actor;
}

export interface PlaceOrderResult {
  order: Order;
  /** The products whose stock this call decremented (none for a replay). */
  products: Product[];
  /** True when this is the stored result of an earlier request with the same Idempotency-Key. */
  replayed: boolean;
}

interface StoredOutcome {
  request_hash: string;
  status_code: number;
  response: Order | { code: DomainError['code']; message: string; details?: ErrorDetail[] };
}

interface LockedRow {
  id: string;
  sku: string;
  name: string;
  price_minor: number;
  currency: string;
  stock: number;
}

const LOCK = 'SELECT id, sku, name, price_minor, currency, stock FROM products WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE';

// The stock condition stays in the UPDATE itself: even if a caller skipped the lock, no row goes below what was asked.
const DECREMENT = `
  UPDATE products p SET stock = p.stock - c.quantity
  FROM unnest($1::uuid[], $2::int[]) AS c(id, quantity)
  WHERE p.id = c.id AND p.stock - p.reserved >= c.quantity
  RETURNING ${productColumns('p')}`;

const INSERT_ORDER = 'INSERT INTO orders (currency, total_minor) VALUES ($1, $2) RETURNING id';

const INSERT_ITEMS = `
  INSERT INTO order_items (order_id, position, product_id, sku, name, quantity, unit_price_minor, line_total_minor)
  SELECT $1, ordinality - 1, product_id, sku, name, quantity, unit_price_minor, quantity * unit_price_minor
  FROM unnest($2::uuid[], $3::text[], $4::text[], $5::int[], $6::bigint[])
    WITH ORDINALITY AS t(product_id, sku, name, quantity, unit_price_minor, ordinality)`;

function checkDistinct(items: readonly OrderItemInput[]): void {
  const seen = new Set<string>();
  const details: ErrorDetail[] = [];
  items.forEach((item, i) => {
    if (seen.has(item.productId)) details.push({ field: `body.items[${i}].productId`, message: 'appears more than once' });
    seen.add(item.productId);
  });
  if (details.length > 0) throw new UnprocessableError('each product may appear once per order', details);
}

/** Checks the locked rows against the request; throws the first reason the order cannot be placed. */
function checkAvailability(items: readonly OrderItemInput[], rows: readonly LockedRow[]): Map<string, LockedRow> {
  const byId = new Map(rows.map((row) => [row.id, row]));
  const missing: ErrorDetail[] = [];
  const short: ErrorDetail[] = [];
  items.forEach((item, i) => {
    const row = byId.get(item.productId);
    if (row === undefined) missing.push({ field: `body.items[${i}].productId`, message: 'no such product' });
    else if (row.stock < item.quantity) short.push({ field: `body.items[${i}].quantity`, message: `only ${row.stock} left` });
  });
  if (missing.length > 0) throw new UnprocessableError('the order names products that do not exist', missing);
  const currencies = new Set(rows.map((row) => row.currency));
  if (currencies.size > 1) throw new UnprocessableError('all products of an order must share one currency', [{ field: 'body.items', message: 'mixes currencies' }]);
  if (short.length > 0) throw new OutOfStockError('not enough stock for this order', short);
  return byId;
}

async function createOrder(client: pg.PoolClient, items: readonly OrderItemInput[], actor: Actor): Promise<{ order: Order; products: Product[] }> {
  const ids = items.map((item) => item.productId);
  const { rows: locked } = await client.query<LockedRow>(LOCK, [ids]);
  const byId = checkAvailability(items, locked);

  const quantities = items.map((item) => item.quantity);
  const { rows: updated } = await client.query<Product>(DECREMENT, [ids, quantities]);
  if (updated.length !== items.length) throw new OutOfStockError('not enough stock for this order');

  const lines = items.map((item) => byId.get(item.productId) as LockedRow);
  const total = items.reduce((sum, item, i) => sum + item.quantity * (lines[i] as LockedRow).price_minor, 0);
  if (!Number.isSafeInteger(total)) throw new UnprocessableError('the order total is too large', [{ field: 'body.items', message: 'total exceeds the largest amount' }]);
  const currency = (lines[0] as LockedRow).currency;

  const { rows: created } = await client.query<{ id: string }>(INSERT_ORDER, [currency, total]);
  const orderId = (created[0] as { id: string }).id;
  await client.query(INSERT_ITEMS, [
    orderId,
    ids,
    lines.map((line) => line.sku),
    lines.map((line) => line.name),
    quantities,
    lines.map((line) => line.price_minor),
  ]);
  const sorted = [...updated].sort((a, b) => (a.id < b.id ? -1 : 1));
  await recordChanges(client, actor, [
    {
      action: 'order.placed',
      subject: { type: 'order', id: orderId },
      change: [
        { field: 'currency', from: null, to: currency },
        { field: 'totalMinor', from: null, to: total },
      ],
    },
    ...sorted.map((product) => ({
      action: 'order.placed' as const,
      subject: { type: 'product' as const, id: product.id },
      change: [{ field: 'stock', from: (byId.get(product.id) as LockedRow).stock, to: product.stock }],
      event: { type: 'stock.changed' as const, topics: productEventTopics(product.id, product.category), data: product },
    })),
  ]);
  const { rows } = await client.query<Order>(ORDER_SELECT, [orderId]);
  return { order: rows[0] as Order, products: updated };
}

function replay(stored: StoredOutcome, requestHash: string): PlaceOrderResult {
  if (stored.request_hash !== requestHash) {
    throw new IdempotencyKeyReusedError('this Idempotency-Key was used for a different order', [
      { field: 'headers.idempotency-key', message: 'was already used with another request body' },
    ]);
  }
  if (stored.status_code === 201) return { order: stored.response as Order, products: [], replayed: true };
  const failure = stored.response as { code: DomainError['code']; message: string; details?: ErrorDetail[] };
  throw new ReplayedError(failure.code, stored.status_code, failure.message, failure.details);
}

/**
 * Places an order: locks its products in id order (so concurrent orders cannot deadlock), refuses it
 * whole if any line lacks stock, decrements stock and records stock.changed events in the same commit.
 *
 * With an Idempotency-Key, the key's row is inserted first: a concurrent retry blocks on it until this
 * transaction ends, then reads the stored outcome, so one key never makes two orders. Refusals that
 * come from the data (out of stock, unknown product) are stored too and replayed with their status.
 */
export async function placeOrder(options: PlaceOrderOptions): Promise<PlaceOrderResult> {
  const { items, idempotencyKey } = options;
  checkDistinct(items);
  if (idempotencyKey === undefined) {
    return { ...(await withTransaction(options.pool, (client) => createOrder(client, items, options.actor))), replayed: false };
  }

  const requestHash = orderRequestHash(items);
  const outcome = await withTransaction(options.pool, async (client) => {
    const claimed = await client.query(
      'INSERT INTO idempotency_keys (key, request_hash) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING',
      [idempotencyKey, requestHash],
    );
    if (claimed.rowCount === 0) {
      const { rows } = await client.query<StoredOutcome>(
        'SELECT request_hash, status_code, response FROM idempotency_keys WHERE key = $1',
        [idempotencyKey],
      );
      return { kind: 'stored' as const, stored: rows[0] as StoredOutcome };
    }
    await client.query('SAVEPOINT place_order');
    try {
      const placed = await createOrder(client, items, options.actor);
      await client.query('UPDATE idempotency_keys SET status_code = 201, response = $2 WHERE key = $1', [idempotencyKey, placed.order]);
      return { kind: 'placed' as const, ...placed };
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      await client.query('ROLLBACK TO SAVEPOINT place_order');
      const response = { code: error.code, message: error.message, details: error.details };
      await client.query('UPDATE idempotency_keys SET status_code = $2, response = $3 WHERE key = $1', [idempotencyKey, error.statusCode, response]);
      return { kind: 'refused' as const, refused: error };
    }
  });
  if (outcome.kind === 'stored') return replay(outcome.stored, requestHash);
  if (outcome.kind === 'refused') throw outcome.refused;
  return { order: outcome.order, products: outcome.products, replayed: false };
}
