import type { Actor, ErrorDetail, Order, OrderItemInput, Product } from '@livecart/schemas';
import type pg from 'pg';
import { withTransaction } from '../../db/transaction.js';
import { DomainError, IdempotencyKeyReusedError, ReplayedError } from '../../domain/errors.js';
import { checkDistinctLines, createOrder } from './create-order.js';
import { orderRequestHash } from './request-hash.js';

export interface PlaceOrderOptions {
  pool: pg.Pool;
  items: readonly OrderItemInput[];
  idempotencyKey?: string;
  /** A shopper's order is the guest actor's; a job's or a key's is theirs. */
  actor: Actor;
  /** How long the order waits for its payment before it expires. */
  paymentTtlMs: number;
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
 * Places an order from POST /v1/orders (see createOrder: stock taken, events recorded, payment awaited).
 *
 * With an Idempotency-Key, the key's row is inserted first: a concurrent retry blocks on it until this
 * transaction ends, then reads the stored outcome, so one key never makes two orders. Refusals that
 * come from the data (out of stock, unknown product) are stored too and replayed with their status.
 */
export async function placeOrder(options: PlaceOrderOptions): Promise<PlaceOrderResult> {
  const { items, idempotencyKey } = options;
  checkDistinctLines(items);
  const create = (client: pg.PoolClient) => createOrder({ client, lines: items, actor: options.actor, paymentTtlMs: options.paymentTtlMs });
  if (idempotencyKey === undefined) {
    return { ...(await withTransaction(options.pool, create)), replayed: false };
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
      const placed = await create(client);
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
