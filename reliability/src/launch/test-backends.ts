import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ensureServices } from '@livecart/local-services';
import { clearRedisPrefix, createTestDatabase, testRedisPrefix } from '@livecart/local-services/testing';
import { repoRoot } from './paths.js';

/** A database and a Redis key prefix that belong to one test file only. */
export interface TestBackends {
  databaseUrl: string;
  redisUrl: string;
  redisPrefix: string;
  /** Drops the database, deletes the prefix's keys and stops any server ensureServices started. */
  close(): Promise<void>;
}

const run = promisify(execFile);

/**
 * A fresh database migrated by the api's own migration command, and a fresh Redis prefix, on the
 * machine's Postgres and Redis (or project-local ones): two runs at once never share state.
 */
export async function createTestBackends(label: string): Promise<TestBackends> {
  const services = await ensureServices({ mode: 'test' });
  const redisPrefix = testRedisPrefix(`reliability-${label}`);
  try {
    const database = await createTestDatabase({
      adminUrl: services.databaseUrl,
      prefix: `livecart_rel_${label.replace(/[^a-z0-9]/g, '_')}`,
      migrate: async (url) => {
        await run(process.execPath, ['dist/db/migrate-cli.js'], {
          cwd: join(repoRoot, 'apps/api'),
          env: { ...process.env, NODE_ENV: 'production', DATABASE_URL: url, LOG_LEVEL: 'warn' },
        });
      },
    });
    return {
      databaseUrl: database.url,
      redisUrl: services.redisUrl,
      redisPrefix,
      async close() {
        await database.drop();
        await clearRedisPrefix(services.redisUrl, redisPrefix);
        await services.stop();
      },
    };
  } catch (error) {
    await services.stop();
    throw error;
  }
}
