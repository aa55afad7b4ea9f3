import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ensureServices, type Services } from '../resolve.js';
import { clearRedisPrefix, createTestDatabase, testRedisPrefix } from './database.js';

let services: Services;

beforeAll(async () => {
  services = await ensureServices({ mode: 'test', log: () => {} });
});

afterAll(async () => {
  await services.stop();
});

async function query(url: string, sql: string, params: unknown[] = []): Promise<unknown[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows;
  } finally {
    await client.end();
  }
}

const databaseExists = async (name: string) =>
  (await query(services.databaseUrl, 'SELECT 1 FROM pg_database WHERE datname = $1', [name])).length === 1;

describe('createTestDatabase', () => {
  it('creates a database, migrates it through its URL, and drop() removes it even with a connection open', async () => {
    const migrate = vi.fn((url: string) => query(url, 'CREATE TABLE products (id int)').then(() => undefined));
    const database = await createTestDatabase({ adminUrl: services.databaseUrl, migrate });

    expect(database.name).toMatch(new RegExp(`^livecart_test_${process.pid}_[0-9a-f]{8}$`));
    expect(migrate).toHaveBeenCalledWith(database.url);
    expect(await query(database.url, 'SELECT current_database() AS name, count(*)::int AS rows FROM products')).toEqual([
      { name: database.name, rows: 0 },
    ]);

    const leftOpen = new pg.Client({ connectionString: database.url });
    leftOpen.on('error', () => {});
    await leftOpen.connect();
    await database.drop();
    expect(await databaseExists(database.name)).toBe(false);
    await expect(database.drop()).resolves.toBeUndefined();
    await leftOpen.end().catch(() => {});
  });

  it('gives concurrent callers databases of their own', async () => {
    const [a, b] = await Promise.all([
      createTestDatabase({ adminUrl: services.databaseUrl, prefix: 'concurrent' }),
      createTestDatabase({ adminUrl: services.databaseUrl, prefix: 'concurrent' }),
    ]);
    expect(a.name).not.toBe(b.name);
    expect(await databaseExists(a.name)).toBe(true);
    expect(await databaseExists(b.name)).toBe(true);
    await Promise.all([a.drop(), b.drop()]);
  });

  it('drops the database again when migrate fails', async () => {
    let created = '';
    const migrate = async (url: string) => {
      created = new URL(url).pathname.slice(1);
      throw new Error('bad migration');
    };
    await expect(createTestDatabase({ adminUrl: services.databaseUrl, migrate })).rejects.toThrow('bad migration');
    expect(created).not.toBe('');
    expect(await databaseExists(created)).toBe(false);
  });

  it('rejects a prefix that is not a plain identifier', async () => {
    await expect(createTestDatabase({ adminUrl: services.databaseUrl, prefix: 'x"; DROP' })).rejects.toThrow(/prefix must match/);
  });
});

describe('testRedisPrefix', () => {
  it('is different on every call and carries the pid and the label', () => {
    const first = testRedisPrefix();
    expect(first).toMatch(new RegExp(`^test:${process.pid}:[0-9a-f]{8}$`));
    expect(testRedisPrefix()).not.toBe(first);
    expect(testRedisPrefix('api')).toMatch(new RegExp(`^test:api:${process.pid}:`));
  });
});

describe('clearRedisPrefix', () => {
  it('deletes every key under the prefix and nothing else, glob characters included', async () => {
    const redis = new Redis(services.redisUrl);
    const base = testRedisPrefix('clear');
    const prefix = `${base}:k*`;
    try {
      await redis.mset(`${prefix}:a`, '1', `${prefix}:b`, '2', `${base}:kept`, '3', `${base}:other`, '4');
      await clearRedisPrefix(services.redisUrl, prefix);
      expect((await redis.keys(`${base}*`)).sort()).toEqual([`${base}:kept`, `${base}:other`]);
    } finally {
      await clearRedisPrefix(services.redisUrl, base);
      redis.disconnect();
    }
  });

  it('refuses an empty prefix, which would match the whole keyspace', async () => {
    await expect(clearRedisPrefix(services.redisUrl, '')).rejects.toThrow(/non-empty prefix/);
  });
});
