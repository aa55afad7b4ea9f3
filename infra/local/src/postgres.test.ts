import { createServer } from 'node:net';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findFreePort, isPortOpen } from './ports.js';
import { startLocalPostgres } from './postgres.js';

const quiet = () => {};
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'livecart-pg-'));
  // As root the server runs as the postgres user, which must be able to enter the temp dir.
  await chmod(dir, 0o755);
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function query(url: string, sql: string): Promise<unknown[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('startLocalPostgres', () => {
  it('initializes and starts a server that answers, and stop() shuts it down', async () => {
    const port = await findFreePort();
    const server = await startLocalPostgres({ dataDir: join(dir, 'data'), port, log: quiet });

    expect(server.url).toBe(`postgres://postgres@127.0.0.1:${port}/postgres`);
    expect(await query(server.url, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);

    await server.stop();
    expect(await isPortOpen(port)).toBe(false);
    await expect(server.stop()).resolves.toBeUndefined();
  });

  it('keeps the data of an existing data directory across restarts', async () => {
    const dataDir = join(dir, 'data');
    const first = await startLocalPostgres({ dataDir, port: await findFreePort(), log: quiet });
    await query(first.url, 'CREATE TABLE kept (id int); INSERT INTO kept VALUES (42)');
    await first.stop();

    const second = await startLocalPostgres({ dataDir, port: await findFreePort(), log: quiet });
    try {
      expect(await query(second.url, 'SELECT id FROM kept')).toEqual([{ id: 42 }]);
    } finally {
      await second.stop();
    }
  });

  it('refuses a port another program listens on', async () => {
    const blocker = createServer().listen(0, '127.0.0.1');
    await new Promise((resolve) => blocker.once('listening', resolve));
    const address = blocker.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    try {
      await expect(startLocalPostgres({ dataDir: join(dir, 'data'), port, log: quiet })).rejects.toThrow(
        /port \d+ on 127\.0\.0\.1 is already in use/,
      );
    } finally {
      blocker.close();
    }
  });

  it('refuses a non-empty folder that is not a Postgres data directory', async () => {
    await writeFile(join(dir, 'notes.txt'), 'mine');
    await expect(startLocalPostgres({ dataDir: dir, port: await findFreePort(), log: quiet })).rejects.toThrow(
      /neither empty nor a Postgres data directory/,
    );
  });
});
