import { ensureServices } from '../resolve.js';
import { seedDatabase, migrateDatabase } from './api-tools.js';
import { clearRedisPrefix, createTestDatabase, testRedisPrefix } from './database.js';

/** A database and a Redis key prefix that belong to one suite only. */
export interface TestBackends {
  databaseUrl: string;
  redisUrl: string;
  /** REDIS_PREFIX for the apps; events travel on `<prefix>:events`. */
  redisPrefix: string;
  /** Drops the database, deletes the prefix's keys and stops any server it started; idempotent. */
  close(): Promise<void>;
}

export interface TestBackendsOptions {
  /** Names the database (`livecart_<label>_<pid>_<random>`) and the Redis prefix; letters, digits, dashes. */
  label: string;
  /** Servers found already (a global setup's); by default ensureServices({ mode: 'test' }) runs, and its servers stop at close. */
  services?: { databaseUrl: string; redisUrl: string };
  /** Products to seed with the api's seed command; none by default. */
  seed?: number;
  log?: (line: string) => void;
}

/**
 * A fresh database migrated by the api's own migration command (and seeded when asked), and a fresh
 * Redis prefix, on the machine's Postgres and Redis or project-local ones: two runs never share state.
 */
export async function createTestBackends(options: TestBackendsOptions): Promise<TestBackends> {
  const owned = options.services === undefined ? await ensureServices({ mode: 'test', log: options.log ?? (() => {}) }) : undefined;
  const services = options.services ?? owned!;
  const slug = options.label.toLowerCase().replace(/[^a-z0-9]+/g, '_');
  const redisPrefix = testRedisPrefix(options.label);
  try {
    const database = await createTestDatabase({
      adminUrl: services.databaseUrl,
      prefix: `livecart_${slug}`.slice(0, 40),
      migrate: async (url) => {
        await migrateDatabase(url);
        if (options.seed !== undefined) await seedDatabase(url, options.seed);
      },
    });
    let closing: Promise<void> | undefined;
    return {
      databaseUrl: database.url,
      redisUrl: services.redisUrl,
      redisPrefix,
      close: () =>
        (closing ??= (async () => {
          await database.drop();
          await clearRedisPrefix(services.redisUrl, redisPrefix);
          await owned?.stop();
        })()),
    };
  } catch (error) {
    await owned?.stop();
    throw error;
  }
}
