import { createTestDatabase, type TestDatabase } from '@livecart/local-services/testing';
import type pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createPool, QUERY_TIMEOUT_MARGIN_MS } from '../src/db/pool.js';
import { withTransaction } from '../src/db/transaction.js';

/**
 * A transaction whose connection fails or stops answering: the request must get an error it can map
 * to a 503, promptly, and the process must keep running (an 'error' event nobody listens to would end it).
 */
let database: TestDatabase;
const pools: pg.Pool[] = [];

beforeAll(async () => {
  database = await createTestDatabase({ adminUrl: inject('adminDatabaseUrl') });
});
afterEach(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.end()));
});
afterAll(async () => {
  await database.drop();
});

function pool(statementTimeoutMs: number): pg.Pool {
  const created = createPool({ connectionString: database.url, max: 2, statementTimeoutMs, applicationName: 'livecart-test' });
  created.on('error', () => {});
  pools.push(created);
  return created;
}

describe('withTransaction when the connection fails', () => {
  it('rejects when the server ends the session mid-transaction, discards the connection, and the pool still serves', async () => {
    const db = pool(5_000);
    const uncaught: unknown[] = [];
    const record = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', record);
    try {
      // Postgres terminates the backend as a restart or a failover does: FATAL, then the socket closes.
      await expect(withTransaction(db, (client) => client.query('SELECT pg_terminate_backend(pg_backend_pid())'))).rejects.toThrow();
      await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      process.off('uncaughtException', record);
    }
    expect(uncaught).toEqual([]);
    expect(db.totalCount).toBe(0);
    const { rows } = await db.query<{ one: number }>('SELECT 1 AS one');
    expect(rows[0]?.one).toBe(1);
  });

  it('gives up on a server that does not answer after statement timeout + margin, without waiting again to roll back', async () => {
    const statementTimeoutMs = 300;
    const db = pool(statementTimeoutMs);
    const started = Date.now();
    // statement_timeout off for this transaction: the server never cancels, as when it cannot be reached.
    await expect(
      withTransaction(db, async (client) => {
        await client.query('SET LOCAL statement_timeout = 0');
        await client.query('SELECT pg_sleep(30)');
      }),
    ).rejects.toThrow('Query read timeout');
    const elapsed = Date.now() - started;
    const patience = statementTimeoutMs + QUERY_TIMEOUT_MARGIN_MS;
    expect(elapsed).toBeGreaterThanOrEqual(patience - 50);
    // A ROLLBACK queued behind the sleeping statement would time out too, doubling the wait.
    expect(elapsed).toBeLessThan(2 * patience);
    expect(db.totalCount).toBe(0);
  });
});
