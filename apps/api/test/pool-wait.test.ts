import { createServer, type Server, type Socket } from 'node:net';
import { createTestDatabase, type TestDatabase } from '@livecart/local-services/testing';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { CONNECT_TIMEOUT_MS, createPool, POOL_STALL_MS } from '../src/db/pool.js';
import { toErrorEnvelope } from '../src/http/error-envelope.js';

/**
 * Waiting for a busy pool and connecting to Postgres are timed apart: a burst queues up to DATABASE_POOL_WAIT_MS
 * while connections keep coming back, a pool that gets nothing back lets its waiters go after the stall time,
 * and a Postgres that does not answer a new connection fails after the connect timeout, whatever the wait.
 */
let database: TestDatabase;
let silent: Server;
const sockets = new Set<Socket>();

beforeAll(async () => {
  database = await createTestDatabase({ adminUrl: inject('adminDatabaseUrl') });
  // Accepts connections and never answers: a frozen Postgres, as a new connection sees it.
  silent = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => silent?.close(resolve));
  await database?.drop();
});

function onePool(connectionString: string, waitMs: number): pg.Pool {
  return createPool({ connectionString, max: 1, waitMs, statementTimeoutMs: 10_000, applicationName: 'livecart-pool-wait-test' });
}

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; outcome: PromiseSettledResult<T> }> {
  const started = performance.now();
  const [outcome] = await Promise.allSettled([work()]);
  return { ms: performance.now() - started, outcome: outcome! };
}

describe.concurrent('the pool wait and the connect timeout', () => {
  it('lets a burst queue past the stall time while connections keep coming back, and serves every caller', async () => {
    const pool = onePool(database.url, 10_000);
    try {
      await pool.query('SELECT 1');
      // 40 callers on one connection, each holding it 100 ms: the last waits about 4 s, with a release every 100 ms.
      const answers = await Promise.all(Array.from({ length: 40 }, () => timed(() => pool.query('SELECT pg_sleep(0.1)'))));
      expect(answers.filter((answer) => answer.outcome.status === 'rejected')).toEqual([]);
      expect(Math.max(...answers.map((answer) => answer.ms))).toBeGreaterThan(POOL_STALL_MS);
    } finally {
      await pool.end();
    }
  });

  it('lets its waiters go once no connection has come back for the stall time, with the error the API answers 503', async () => {
    const pool = onePool(database.url, 10_000);
    try {
      await pool.query('SELECT 1');
      const holder = pool.query('SELECT pg_sleep(4.5)');
      const waiters = await Promise.all([timed(() => pool.query('SELECT 1')), timed(() => pool.connect())]);
      await holder;
      for (const waiter of waiters) {
        expect(waiter.outcome.status).toBe('rejected');
        const error = (waiter.outcome as PromiseRejectedResult).reason as Error;
        expect(error.message).toMatch(/timeout exceeded when trying to connect/);
        expect(toErrorEnvelope(error).statusCode).toBe(503);
        expect(waiter.ms).toBeGreaterThanOrEqual(POOL_STALL_MS - 100);
        expect(waiter.ms).toBeLessThan(4_400);
      }
      // The connection a waiter gave up on went back: the pool serves again.
      await expect(pool.query<{ ok: number }>('SELECT 1 AS ok')).resolves.toMatchObject({ rows: [{ ok: 1 }] });
      expect(pool.totalCount).toBe(1);
    } finally {
      await pool.end();
    }
  });

  it('stops connecting to a Postgres that does not answer after the connect timeout, not the longer wait', async () => {
    const address = silent.address() as { port: number };
    const pool = onePool(`postgres://livecart@127.0.0.1:${address.port}/none`, 30_000);
    try {
      const attempt = await timed(() => pool.query('SELECT 1'));
      expect(attempt.outcome.status).toBe('rejected');
      expect(toErrorEnvelope((attempt.outcome as PromiseRejectedResult).reason).statusCode).toBe(503);
      expect(attempt.ms).toBeGreaterThanOrEqual(CONNECT_TIMEOUT_MS - 100);
      expect(attempt.ms).toBeLessThan(CONNECT_TIMEOUT_MS + 3_000);
    } finally {
      await pool.end();
    }
  });
});
