import { fileURLToPath } from 'node:url';
import { startProcess, waitUntil } from '@livecart/local-services/testing';
import { findFreePort } from '@livecart/local-services';
import type { Product } from '@livecart/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUTH, createTestContext, productInput, testPool, type TestContext } from './helpers.js';

const API_DIR = fileURLToPath(new URL('..', import.meta.url));
let ctx: TestContext;

beforeAll(async () => {
  ctx = await createTestContext('shutdown');
});
afterAll(() => ctx.close());

describe('graceful shutdown', () => {
  it('on SIGTERM finishes the request in flight, then exits 0', async () => {
    const port = await findFreePort();
    const base = `http://127.0.0.1:${port}`;
    const server = await startProcess({
      name: 'api',
      command: process.execPath,
      args: ['--import', 'tsx', 'src/server.ts'],
      cwd: API_DIR,
      env: ctx.processEnv(port, { REDIS_PREFIX: `${ctx.prefix}:child` }),
      readyUrl: `${base}/ready`,
      readyTimeoutMs: 20_000,
    });
    let exitCode: number | string | undefined;
    void server.exited.then((code) => (exitCode = code));

    const created = await fetch(`${base}/v1/products`, {
      method: 'POST',
      headers: { ...AUTH, 'content-type': 'application/json' },
      body: JSON.stringify(productInput()),
    });
    const product = (await created.json()) as Product;

    // Hold the row so that the PATCH below is still running when the signal arrives.
    const pool = testPool(ctx.databaseUrl);
    const blocker = await pool.connect();
    await blocker.query('BEGIN');
    await blocker.query('SELECT 1 FROM products WHERE id = $1 FOR UPDATE', [product.id]);
    const slow = fetch(`${base}/v1/products/${product.id}`, {
      method: 'PATCH',
      headers: { ...AUTH, 'content-type': 'application/json', 'if-match': '*' },
      body: JSON.stringify({ stock: 42 }),
    });
    await waitUntil(async () => {
      const { rows } = await pool.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_locks WHERE NOT granted AND locktype = 'transactionid'");
      return (rows[0]?.n ?? 0) > 0 ? true : undefined;
    }, { what: 'the PATCH to wait on the row lock', timeoutMs: 5_000, intervalMs: 20 });

    const stopped = server.stop('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(exitCode).toBeUndefined();
    await blocker.query('COMMIT');
    blocker.release();
    await pool.end();

    const response = await slow;
    expect(response.status).toBe(200);
    expect(((await response.json()) as Product).stock).toBe(42);
    expect(await stopped).toBe(0);
  });
});
