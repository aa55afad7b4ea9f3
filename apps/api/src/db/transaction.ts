import type pg from 'pg';
import { isQueryTimeout } from './pg-errors.js';

export interface TransactionOptions {
  /** Throws to refuse the work before any statement (see withTransaction). */
  admit?: () => void;
  /**
   * While the work waits for a connection: calls `refuse` with the error to answer instead, as soon as
   * the work becomes refusable; returns what stops watching (see connectUnlessRefused).
   */
  refuseWhileWaiting?: (refuse: (error: Error) => void) => () => void;
}

/**
 * A connection from the pool, unless the work is refused while it waits for one: then the refusal is
 * thrown at once, and the connection, when the pool hands it over, goes straight back. In a flash sale
 * the losers queue for the pool together; each is answered when the last unit sells, not at its turn.
 * With an idle connection for it (more idle than waiting), nothing is watched: the request will not queue.
 */
async function connectUnlessRefused(pool: pg.Pool, refuseWhileWaiting: TransactionOptions['refuseWhileWaiting']): Promise<pg.PoolClient> {
  if (refuseWhileWaiting === undefined || pool.idleCount > pool.waitingCount) return pool.connect();
  const connecting = pool.connect();
  let stopWatching = () => {};
  const refused = new Promise<never>((_, reject) => {
    stopWatching = refuseWhileWaiting(reject);
  });
  try {
    return await Promise.race([connecting, refused]);
  } catch (error) {
    connecting.then(
      (client) => client.release(),
      () => {},
    );
    throw error;
  } finally {
    stopWatching();
  }
}

/**
 * Runs `work` in one transaction on one pooled connection: committed if it resolves, rolled back if it throws.
 *
 * A checked-out client has no 'error' listener of the pool's, so a connection that fails mid-transaction
 * (Postgres restarting, a network reset) would emit an unhandled 'error' and bring the process down. It
 * is listened to here; the failure reaches the query in progress (or the next one) anyway, and the client
 * is discarded instead of going back to the pool. A connection that failed or timed out is not asked to
 * ROLLBACK: closing it rolls back, and asking would only wait for another timeout.
 *
 * `admit` (optional) may refuse the work from what this process knows without a query: it runs before a
 * connection is taken and again once one is, before BEGIN, so that a request that waited in the pool's
 * queue while the answer became known is still refused without a statement. `refuseWhileWaiting`
 * (optional) answers such a request as soon as the answer is known, without waiting for its turn.
 */
export async function withTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
  const { admit } = options;
  admit?.();
  const client = await connectUnlessRefused(pool, options.refuseWhileWaiting);
  try {
    admit?.();
  } catch (error) {
    client.release();
    throw error;
  }
  let broken: Error | undefined;
  const onError = (error: Error) => {
    broken ??= error;
  };
  client.on('error', onError);
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    if (broken === undefined && isQueryTimeout(error)) broken = error as Error;
    if (broken === undefined) {
      try {
        await client.query('ROLLBACK');
      } catch (rollbackError) {
        // A connection that cannot roll back must not go back into the pool.
        broken = rollbackError as Error;
      }
    }
    throw error;
  } finally {
    client.removeListener('error', onError);
    client.release(broken ?? false);
  }
}
