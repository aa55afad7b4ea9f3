import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';

export interface TestDatabase {
  url: string;
  name: string;
  /** Terminates its connections and drops it; idempotent. */
  drop(): Promise<void>;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

async function withAdmin<T>(adminUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5000 });
  client.on('error', () => {});
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * A fresh database (`<prefix>_<pid>_<random>`) on the server of `adminUrl`, migrated by `migrate`,
 * so parallel test runs and dev data never meet.
 */
export async function createTestDatabase(options: {
  adminUrl: string;
  migrate?: (databaseUrl: string) => Promise<void>;
  prefix?: string;
}): Promise<TestDatabase> {
  const prefix = options.prefix ?? 'livecart_test';
  if (!IDENTIFIER.test(prefix)) throw new Error(`prefix must match ${IDENTIFIER}, got ${JSON.stringify(prefix)}`);
  const name = `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
  await withAdmin(options.adminUrl, (client) => client.query(`CREATE DATABASE "${name}"`));

  const url = new URL(options.adminUrl);
  url.pathname = `/${name}`;
  let dropping: Promise<void> | undefined;
  const database: TestDatabase = {
    url: url.toString(),
    name,
    drop: () =>
      (dropping ??= withAdmin(options.adminUrl, async (client) => {
        // FORCE (Postgres 13+) terminates the connections a test left open, atomically with the drop.
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      })),
  };
  try {
    await options.migrate?.(database.url);
  } catch (error) {
    await database.drop();
    throw error;
  }
  return database;
}

/** A key/channel prefix of its own for one test run, e.g. `test:<pid>:<random>`. */
export function testRedisPrefix(label?: string): string {
  const parts = ['test', ...(label === undefined ? [] : [label]), String(process.pid), randomBytes(4).toString('hex')];
  return parts.join(':');
}

/** Deletes every key that starts with `prefix` (SCAN + UNLINK), leaving all others alone. */
export async function clearRedisPrefix(redisUrl: string, prefix: string): Promise<void> {
  // An empty prefix would match the whole keyspace, dev data included.
  if (prefix === '') throw new Error('clearRedisPrefix needs a non-empty prefix');
  const pattern = `${prefix.replace(/[\\*?[\]]/g, '\\$&')}*`;
  const client = new Redis(redisUrl, { maxRetriesPerRequest: 1, retryStrategy: () => null, lazyConnect: true });
  client.on('error', () => {});
  try {
    await client.connect();
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      if (keys.length > 0) await client.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    client.disconnect();
  }
}
