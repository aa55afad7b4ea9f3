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

function pool(statementTimeoutMs: number, onIdleError?: (error: Error) => void): pg.Pool {
  const created = createPool({ connectionString: database.url, max: 2, statementTimeoutMs, applicationName: 'livecart-test', ...(onIdleError === undefined ? {} : { onIdleError }) });
  pools.push(created);
  return created;
}

/** Runs `work`, collecting what reaches the process as an uncaught exception meanwhile (and 100 ms after). */
async function uncaughtDuring(work: () => Promise<void>): Promise<unknown[]> {
  const uncaught: unknown[] = [];
  const record = (error: unknown) => uncaught.push(error);
  process.on('uncaughtException', record);
  try {
    await work();
    await new Promise((resolve) => setTimeout(resolve, 100));
  } finally {
    process.off('uncaughtException', record);
  }
  return uncaught;
}

/** Ends every session of the test's pools, as a Postgres shutdown does (FATAL 57P01, then the socket closes). */
async function terminateSessions(): Promise<void> {
  const admin = createPool({ connectionString: database.url, max: 1, statementTimeoutMs: 5_000, applicationName: 'livecart-test-admin' });
  try {
    await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'livecart-test' AND datname = current_database()");
  } finally {
    await admin.end();
  }
}

describe('a pool when Postgres ends its sessions', () => {
  it('keeps the process up when idle connections are ended, tells onIdleError, and serves again', async () => {
    const idleErrors: Error[] = [];
    const db = pool(5_000, (error) => idleErrors.push(error));
    await Promise.all([db.query('SELECT 1'), db.query('SELECT 1')]);
    expect(db.idleCount).toBeGreaterThan(0);
    expect(await uncaughtDuring(terminateSessions)).toEqual([]);
    expect(idleErrors.length).toBeGreaterThan(0);
    expect((await db.query<{ one: number }>('SELECT 1 AS one')).rows[0]?.one).toBe(1);
  });

  it('keeps the process up when a connection fails while nobody listens to it (between the pool and its next user)', async () => {
    const db = pool(5_000);
    const client = await db.connect();
    // Checked out and not (yet) listened to by its user, as between a handover and the user's first query.
    const uncaught = await uncaughtDuring(async () => {
      await terminateSessions();
      await new Promise((resolve) => setTimeout(resolve, 100));
    });
    client.release(true);
    expect(uncaught).toEqual([]);
  });
});

describe('withTransaction when the connection fails', () => {
  it('rejects when the server ends the session mid-transaction, discards the connection, and the pool still serves', async () => {
    const db = pool(5_000);
    // Postgres terminates the backend as a restart or a failover does: FATAL, then the socket closes.
    const uncaught = await uncaughtDuring(async () => {
      await expect(withTransaction(db, (client) => client.query('SELECT pg_terminate_backend(pg_backend_pid())'))).rejects.toThrow();
    });
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
