import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { describeDatabase } from './dev-database.js';
import { DevDatabaseError } from './errors.js';
import { findFreePort } from './ports.js';
import { startLocalPostgres, type LocalServer } from './postgres.js';
import type * as ServicesModule from './services.js';
import { ensureServices } from './resolve.js';
import { runCli } from './run-cli.js';

// A throwaway server plays the one `pnpm dev` finds on 127.0.0.1:5432, so that this machine's own
// `postgres` database is never written to.
const localhost = vi.hoisted(() => ({ postgresUrl: '' }));
vi.mock('./services.js', async (importOriginal) => {
  const actual = await importOriginal<typeof ServicesModule>();
  return {
    ...actual,
    POSTGRES: { ...actual.POSTGRES, findOnLocalhost: async () => ({ url: localhost.postgresUrl }) },
    // Only handed on: nothing in these tests talks to Redis.
    REDIS: { ...actual.REDIS, findOnLocalhost: async () => ({ url: 'redis://127.0.0.1:6379' }) },
  };
});

let dir: string;
let server: LocalServer;
let port: number;

async function query<T = Record<string, unknown>>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

const inDatabase = (name: string) => server.url.replace(/\/postgres$/, `/${name}`);

async function databaseExists(name: string): Promise<boolean> {
  return (await query(server.url, 'SELECT 1 FROM pg_database WHERE datname = $1', [name])).length === 1;
}

async function tablesOf(url: string): Promise<string[]> {
  const rows = await query<{ name: string }>(
    url,
    "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1",
  );
  return rows.map((row) => row.name);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'livecart-dev-db-'));
  // As root the server runs as the postgres user, which must be able to enter the temp dir.
  await chmod(dir, 0o755);
  port = await findFreePort();
  server = await startLocalPostgres({ dataDir: join(dir, 'data'), port, log: () => {} });
  localhost.postgresUrl = server.url;
});

afterAll(async () => {
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

beforeEach(async () => {
  await query(server.url, 'DROP DATABASE IF EXISTS livecart_dev WITH (FORCE)');
  await query(server.url, 'DROP TABLE IF EXISTS products');
});

// What the api's dev start does first (apps/api/src/dev.ts migrates DATABASE_URL): create livecart's
// tables, without IF NOT EXISTS, as its migrations do.
const pgEntry = pathToFileURL(createRequire(import.meta.url).resolve('pg')).href;
const MIGRATE_LIKE_THE_API = `
  import pg from ${JSON.stringify(pgEntry)};
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  await client.query(\`
    CREATE TABLE products (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), sku text NOT NULL UNIQUE,
      price_minor bigint NOT NULL, stock integer NOT NULL CHECK (stock >= 0));
    CREATE TABLE orders (id uuid PRIMARY KEY DEFAULT gen_random_uuid());
    CREATE TABLE outbox (seq bigserial PRIMARY KEY, payload jsonb NOT NULL);
    INSERT INTO products (sku, price_minor, stock) VALUES ('demo-1', 1999, 5);
  \`);
  await client.end();
`;

describe('development database', () => {
  it("leaves a products table in the server's postgres database untouched; livecart's go to livecart_dev", async () => {
    await query(
      server.url,
      "CREATE TABLE products (id integer PRIMARY KEY, name text NOT NULL); INSERT INTO products VALUES (1, 'kept by its owner')",
    );
    const snapshot = async () => ({
      tables: await tablesOf(server.url),
      columns: await query(
        server.url,
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'products' ORDER BY ordinal_position",
      ),
      rows: await query(server.url, 'SELECT * FROM products ORDER BY id'),
    });
    const before = await snapshot();

    // `livecart-services exec` is how the api's `dev`, `db:migrate` and `db:seed` scripts start.
    let stderr = '';
    const io = { env: { PATH: process.env.PATH }, stdout: () => {}, stderr: (text: string) => void (stderr += text) };
    expect(await runCli(['exec', '--', process.execPath, '--input-type=module', '-e', MIGRATE_LIKE_THE_API], io)).toBe(0);

    expect(await snapshot()).toEqual(before);
    expect(before.tables).toEqual(['products']);
    expect(await tablesOf(inDatabase('livecart_dev'))).toEqual(['orders', 'outbox', 'products']);
    expect(await query(inDatabase('livecart_dev'), 'SELECT sku FROM products')).toEqual([{ sku: 'demo-1' }]);
    expect(stderr).toContain(`[services] Postgres: development data in livecart_dev on 127.0.0.1:${port} (just created)\n`);
  });

  it('dev starts side by side create livecart_dev once, and none of them fails', async () => {
    // A few rounds: a race is not certain to happen in any one of them.
    for (let round = 0; round < 3; round++) {
      await query(server.url, 'DROP DATABASE IF EXISTS livecart_dev WITH (FORCE)');
      const lines: string[] = [];
      const log = (line: string) => void lines.push(line);
      const starts = await Promise.all(Array.from({ length: 6 }, () => ensureServices({ env: {}, log })));
      expect(new Set(starts.map((services) => services.databaseUrl))).toEqual(new Set([inDatabase('livecart_dev')]));
      expect(lines.filter((line) => line.endsWith('(just created)'))).toHaveLength(1);
      await Promise.all(starts.map((services) => services.stop()));
    }
    const again: string[] = [];
    await ensureServices({ env: {}, log: (line) => again.push(line) });
    expect(again).toContain(`Postgres: development data in livecart_dev on 127.0.0.1:${port}`);
  });

  it("test mode still hands out the server's postgres database to create per-run databases from", async () => {
    const services = await ensureServices({ mode: 'test', env: {}, log: () => {} });
    expect(services.databaseUrl).toBe(server.url);
    expect(await databaseExists('livecart_dev')).toBe(false);
  });

  it('uses DATABASE_URL as given in dev mode, and names it without its password', async () => {
    if (!(await databaseExists('mine'))) await query(server.url, 'CREATE DATABASE mine');
    // Trust auth accepts any password, so this one only has to stay out of the log.
    const given = `postgres://postgres:s3cret@127.0.0.1:${port}/mine`;
    const lines: string[] = [];
    const services = await ensureServices({ env: { DATABASE_URL: given }, log: (line) => lines.push(line) });
    expect(services.databaseUrl).toBe(given);
    expect(lines).toContain(`Postgres: development data in mine on 127.0.0.1:${port} (DATABASE_URL)`);
    expect(lines.join('\n')).not.toContain('s3cret');
    expect(await databaseExists('livecart_dev')).toBe(false);
  });

  it('tells a role without CREATEDB how to create livecart_dev, and uses it once it exists', async () => {
    await query(server.url, "DO $$ BEGIN CREATE ROLE app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$");
    localhost.postgresUrl = `postgres://app@127.0.0.1:${port}/postgres`;
    try {
      const refused = ensureServices({ env: {}, log: () => {} });
      await expect(refused).rejects.toThrow(DevDatabaseError);
      await expect(refused).rejects.toThrow(`createdb -h 127.0.0.1 -p ${port} livecart_dev`);

      await query(server.url, 'CREATE DATABASE livecart_dev OWNER app');
      const services = await ensureServices({ env: {}, log: () => {} });
      expect(services.databaseUrl).toBe(`postgres://app@127.0.0.1:${port}/livecart_dev`);
    } finally {
      localhost.postgresUrl = server.url;
    }
  });
});

describe('describeDatabase', () => {
  it('names database, host and port, never the user or password', () => {
    expect(describeDatabase('postgres://app:s3cret@db.example/shop')).toBe('shop on db.example:5432');
    expect(describeDatabase('postgres://app:s3cret@[::1]:6432/shop')).toBe('shop on [::1]:6432');
  });

  it('falls back to the masked URL when it names no host', () => {
    expect(describeDatabase('postgres://app:s3cret@/shop?host=/run/postgresql')).toBe(
      'postgres://app:***@/shop?host=/run/postgresql',
    );
  });
});
