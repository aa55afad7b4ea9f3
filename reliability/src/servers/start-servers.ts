import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ensureServices, findFreePort, type Services } from '@livecart/local-services';
import { clearRedisPrefix, createTestDatabase, testRedisPrefix, type TestDatabase } from '@livecart/local-services/testing';
import { APP_DIRS } from './builds.js';
import { HOST, startServerProcess, type ServerProcess } from './server-process.js';

export interface StartServersOptions {
  /** Names the test database (`livecart_rel_<label>_…`) and the Redis prefix; letters, digits, dashes. */
  label: string;
  /** Added to (and overriding) the api's environment, e.g. `{ RATE_LIMIT_READ_MAX: '1000000' }`. */
  apiEnv?: Record<string, string>;
  realtimeEnv?: Record<string, string>;
  /** Both servers' LOG_LEVEL; `warn` by default. */
  logLevel?: string;
  /** Flags for the api's node, e.g. `INSPECT_ON_FREE_PORT` to read its memory after a full collection. */
  apiNodeArgs?: readonly string[];
  /** Every output line of both servers, prefixed with `[api]` / `[realtime]`; dropped by default. */
  onLine?: (line: string) => void;
}

/** One built api and one built realtime on a database and a Redis prefix of their own. */
export interface TestServers {
  api: ServerProcess;
  realtime: ServerProcess;
  /** `ws://127.0.0.1:<port>/ws` */
  wsUrl: string;
  /** A browser origin both servers accept: the realtime's Origin allow-list and the api's CORS list. */
  origin: string;
  /** The api's bearer token for writes. */
  adminToken: string;
  databaseUrl: string;
  redisUrl: string;
  /** REDIS_PREFIX of both servers; events travel on `<prefix>:events`. */
  redisPrefix: string;
  /** Stops both servers, drops the database and deletes the Redis keys; idempotent. */
  stop(): Promise<void>;
}

const ORIGIN = 'http://storefront.reliability.test';

/** PATH and the like only: a developer's shell variables must not change how the servers behave. */
function processBaseEnv(logLevel: string): NodeJS.ProcessEnv {
  const kept = ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ'].filter((name) => process.env[name] !== undefined);
  return { ...Object.fromEntries(kept.map((name) => [name, process.env[name]])), NODE_ENV: 'production', LOG_LEVEL: logLevel };
}

async function migrate(databaseUrl: string, env: NodeJS.ProcessEnv): Promise<void> {
  try {
    await promisify(execFile)(process.execPath, [join(APP_DIRS.api, 'dist/db/migrate-cli.js')], {
      cwd: APP_DIRS.api,
      env: { ...env, DATABASE_URL: databaseUrl },
    });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`migrating the test database failed: ${(error as Error).message}\n${stderr}`);
  }
}

/**
 * Starts the production builds of the api and the realtime service, each as its own process, on a fresh
 * database (migrated) and Redis prefix, so that concurrent runs never share state. The realtime follows
 * the api's outbox stream, so a write through the api reaches its WebSocket subscribers.
 */
export async function startServers(options: StartServersOptions): Promise<TestServers> {
  const label = options.label.toLowerCase().replace(/[^a-z0-9]+/g, '_');
  const base = processBaseEnv(options.logLevel ?? 'warn');
  const adminToken = randomBytes(24).toString('hex');
  const redisPrefix = testRedisPrefix(`reliability-${options.label}`);

  const services: Services = await ensureServices({ mode: 'test', log: () => {} });
  let database: TestDatabase | undefined;
  const running: ServerProcess[] = [];
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      const stopped = await Promise.allSettled(running.map((server) => server.stop()));
      await database?.drop();
      await clearRedisPrefix(services.redisUrl, redisPrefix);
      await services.stop();
      const failure = stopped.find((result): result is PromiseRejectedResult => result.status === 'rejected');
      if (failure !== undefined) throw failure.reason;
    })());

  try {
    database = await createTestDatabase({
      adminUrl: services.databaseUrl,
      prefix: `livecart_rel_${label}`.slice(0, 40),
      migrate: (url) => migrate(url, base),
    });
    const shared = { REDIS_URL: services.redisUrl, REDIS_PREFIX: redisPrefix };
    const [apiPort, realtimePort] = [await findFreePort(), await findFreePort()];
    const onLine = options.onLine === undefined ? {} : { onLine: options.onLine };
    const started = await Promise.allSettled([
      startServerProcess({
        app: 'api',
        port: apiPort,
        env: { ...base, ...shared, DATABASE_URL: database.url, ADMIN_TOKEN: adminToken, CORS_ORIGINS: ORIGIN, ...options.apiEnv },
        ...(options.apiNodeArgs === undefined ? {} : { nodeArgs: options.apiNodeArgs }),
        ...onLine,
      }),
      startServerProcess({
        app: 'realtime',
        port: realtimePort,
        env: { ...base, ...shared, INSTANCE_ID: `reliability-${label}`, ALLOWED_ORIGINS: ORIGIN, ...options.realtimeEnv },
        ...onLine,
      }),
    ]);
    for (const result of started) if (result.status === 'fulfilled') running.push(result.value);
    const failure = started.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failure !== undefined) throw failure.reason;
    const [api, realtime] = running as [ServerProcess, ServerProcess];
    return {
      api,
      realtime,
      wsUrl: `ws://${HOST}:${realtime.port}/ws`,
      origin: ORIGIN,
      adminToken,
      databaseUrl: database.url,
      redisUrl: services.redisUrl,
      redisPrefix,
      stop,
    };
  } catch (error) {
    await stop().catch(() => {});
    throw error;
  }
}
