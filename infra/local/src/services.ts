import { findPostgresBinaries, findRedisServer } from './binaries.js';
import type { ServiceKey } from './errors.js';
import {
  localPostgresUrl,
  startLocalPostgres,
  stopLocalPostgres,
  type LocalServer,
  type LocalServerOptions,
} from './postgres.js';
import { describeError } from './mask-url.js';
import { isPostgresServerError, probePostgres, probeRedis } from './probe.js';
import { localRedisUrl, startLocalRedis, stopLocalRedis } from './redis.js';

const LOCALHOST_TIMEOUT_MS = 1000;

/** Everything resolve.ts needs to know about one kind of server, so it handles both the same way. */
export interface ServiceKind {
  key: ServiceKey;
  label: string;
  envVar: 'DATABASE_URL' | 'REDIS_URL';
  defaultPort: number;
  /** Fixed, so that every dev process finds the project-local server its siblings started. */
  devPort: number;
  localUrl(port: number): string;
  probe(url: string, timeoutMs: number): Promise<void>;
  /** The URL of a server on the standard local port, or why there is none. */
  findOnLocalhost(): Promise<{ url: string } | { reason: string }>;
  hasBinaries(env: NodeJS.ProcessEnv): Promise<boolean>;
  start(options: LocalServerOptions): Promise<LocalServer>;
  stop(options: { dataDir: string; port: number; env: NodeJS.ProcessEnv }): Promise<void>;
}

export const POSTGRES: ServiceKind = {
  key: 'postgres',
  label: 'Postgres',
  envVar: 'DATABASE_URL',
  defaultPort: 5432,
  devPort: 54329,
  localUrl: localPostgresUrl,
  probe: probePostgres,
  async findOnLocalhost() {
    // Debian's packaged cluster has the `postgres` superuser; other setups often trust a `root` role.
    let reason = '';
    for (const user of ['postgres', 'root']) {
      const url = `postgres://${user}@127.0.0.1:5432/postgres`;
      try {
        await probePostgres(url, LOCALHOST_TIMEOUT_MS);
        return { url };
      } catch (error) {
        reason = describeError(error);
        if (!isPostgresServerError(error)) break;
      }
    }
    return { reason };
  },
  hasBinaries: async (env) => (await findPostgresBinaries(env)) !== undefined,
  start: startLocalPostgres,
  stop: ({ dataDir, env }) => stopLocalPostgres({ dataDir, env }),
};

export const REDIS: ServiceKind = {
  key: 'redis',
  label: 'Redis',
  envVar: 'REDIS_URL',
  defaultPort: 6379,
  devPort: 63799,
  localUrl: localRedisUrl,
  probe: probeRedis,
  async findOnLocalhost() {
    const url = 'redis://127.0.0.1:6379';
    try {
      await probeRedis(url, LOCALHOST_TIMEOUT_MS);
      return { url };
    } catch (error) {
      return { reason: describeError(error) };
    }
  },
  hasBinaries: async (env) => (await findRedisServer(env)) !== undefined,
  start: startLocalRedis,
  stop: ({ port }) => stopLocalRedis({ port }),
};
