import type { ErrorDetail, Order } from '@livecart/schemas';
import type pg from 'pg';
import { withTransaction } from '../../db/transaction.js';
import { DomainError, IdempotencyKeyReusedError, ReplayedError } from '../../domain/errors.js';

export interface RunIdempotentOptions<T extends { order: Order }> {
  pool: pg.Pool;
  idempotencyKey: string | undefined;
  /** What the request asked for: the same key with another request is refused (422). */
  requestHash: string;
  /** What to refuse a reuse as ("a different order", "a different checkout"). */
  what: string;
  /** Makes the order in the given transaction. */
  work: (client: pg.PoolClient) => Promise<T>;
  /**
   * A refusal known without the database (see withTransaction), for a request without a key only: with
   * one, the key's stored outcome (a 201 to replay, say) must be read first.
   */
  admit?: () => void;
}

interface StoredOutcome {
  request_hash: string;
  status_code: number;
  response: Order | { code: DomainError['code']; message: string; details?: ErrorDetail[] };
}

export type IdempotentOutcome<T> = { replayed: false; result: T } | { replayed: true; order: Order };

function replay(stored: StoredOutcome, requestHash: string, what: string): { replayed: true; order: Order } {
  if (stored.request_hash !== requestHash) {
    throw new IdempotencyKeyReusedError(`this Idempotency-Key was used for ${what}`, [{ field: 'headers.idempotency-key', message: 'was already used with another request body' }]);
  }
  if (stored.status_code === 201) return { replayed: true, order: stored.response as Order };
  const failure = stored.response as { code: DomainError['code']; message: string; details?: ErrorDetail[] };
  throw new ReplayedError(failure.code, stored.status_code, failure.message, failure.details);
}

/**
 * Makes an order once per Idempotency-Key (POST /v1/orders, POST /v1/checkout). Without a key, `work` runs
 * in a transaction of its own. With one, the key's row is inserted first: a concurrent retry blocks on it
 * until this transaction ends, then reads the stored outcome, so one key never makes two orders. Refusals
 * that come from the data (out of stock, a changed price, an empty cart) are stored too and replayed with
 * their status; `work`'s changes are rolled back to a savepoint before the refusal is stored.
 */
export async function runIdempotent<T extends { order: Order }>(options: RunIdempotentOptions<T>): Promise<IdempotentOutcome<T>> {
  const { idempotencyKey, requestHash, work } = options;
  if (idempotencyKey === undefined) return { replayed: false, result: await withTransaction(options.pool, work, { admit: options.admit }) };

  const outcome = await withTransaction(options.pool, async (client) => {
    const claimed = await client.query('INSERT INTO idempotency_keys (key, request_hash) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING', [idempotencyKey, requestHash]);
    if (claimed.rowCount === 0) {
      const { rows } = await client.query<StoredOutcome>('SELECT request_hash, status_code, response FROM idempotency_keys WHERE key = $1', [idempotencyKey]);
      return { kind: 'stored' as const, stored: rows[0] as StoredOutcome };
    }
    await client.query('SAVEPOINT idempotent_order');
    try {
      const result = await work(client);
      await client.query('UPDATE idempotency_keys SET status_code = 201, response = $2 WHERE key = $1', [idempotencyKey, result.order]);
      return { kind: 'made' as const, result };
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      await client.query('ROLLBACK TO SAVEPOINT idempotent_order');
      const response = { code: error.code, message: error.message, details: error.details };
      await client.query('UPDATE idempotency_keys SET status_code = $2, response = $3 WHERE key = $1', [idempotencyKey, error.statusCode, response]);
      return { kind: 'refused' as const, refused: error };
    }
  });
  if (outcome.kind === 'stored') return replay(outcome.stored, requestHash, options.what);
  if (outcome.kind === 'refused') throw outcome.refused;
  return { replayed: false, result: outcome.result };
}
