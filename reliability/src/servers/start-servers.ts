import { createTestBackends, startBuiltApp, type BuiltApp, type TestBackends } from '@livecart/local-services/testing';
import { inspectorUrlIn } from './settled-memory.js';
import { createSuiteKey } from '../launch/suite-key.js';

/** Node's inspector on a loopback port the system picks; the process prints its address at startup. */
export const INSPECT_ON_FREE_PORT = '--inspect=127.0.0.1:0';

export interface StartServersOptions {
  /** Names the test database and the Redis prefix; letters, digits, dashes. */
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

/** The api, with the inspector address it printed when started with `INSPECT_ON_FREE_PORT`. */
export type InspectableApp = BuiltApp & { readonly inspectorUrl: string | undefined };

/** One built api and one built realtime on a database and a Redis prefix of their own. */
export interface TestServers {
  api: InspectableApp;
  realtime: BuiltApp;
  /** `ws://127.0.0.1:<port>/ws` */
  wsUrl: string;
  /** A browser origin both servers accept: the realtime's Origin allow-list and the api's CORS list. */
  origin: string;
  /** The api's bearer token for writes. */
  apiKey: string;
  databaseUrl: string;
  redisUrl: string;
  /** REDIS_PREFIX of both servers; events travel on `<prefix>:events`. */
  redisPrefix: string;
  /** Stops both servers, drops the database and deletes the Redis keys; idempotent. */
  stop(): Promise<void>;
}

const ORIGIN = 'http://storefront.reliability.test';

/**
 * The production builds of the api and the realtime service on a fresh database and Redis prefix, so
 * that concurrent runs never share state. The realtime follows the api's outbox stream, so a write
 * through the api reaches its WebSocket subscribers.
 */
export async function startServers(options: StartServersOptions): Promise<TestServers> {
  const backends: TestBackends = await createTestBackends({ label: `rel-${options.label}` });
  const apiKey = await createSuiteKey(backends.databaseUrl).catch(async (error: unknown) => {
    await backends.close();
    throw error;
  });
  const logLevel = options.logLevel ?? 'warn';
  const shared = { LOG_LEVEL: logLevel, REDIS_URL: backends.redisUrl, REDIS_PREFIX: backends.redisPrefix };
  let inspectorUrl: string | undefined;
  const onApiLine = (line: string) => {
    inspectorUrl = inspectorUrlIn(line) ?? inspectorUrl;
    options.onLine?.(line);
  };
  const onLine = options.onLine === undefined ? {} : { onLine: options.onLine };

  const started = await Promise.allSettled([
    startBuiltApp('api', {
      // API_DOCS_ENABLED: the fuzz reads the operations from the OpenAPI document at /docs/json.
      env: { ...shared, DATABASE_URL: backends.databaseUrl, CORS_ORIGINS: ORIGIN, API_DOCS_ENABLED: 'true', ...options.apiEnv },
      ...(options.apiNodeArgs === undefined ? {} : { nodeArgs: options.apiNodeArgs }),
      onLine: onApiLine,
    }),
    startBuiltApp('realtime', {
      env: { ...shared, INSTANCE_ID: `reliability-${options.label}`, ALLOWED_ORIGINS: ORIGIN, ...options.realtimeEnv },
      ...onLine,
    }),
  ]);
  const running = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      const stopped = await Promise.allSettled(running.map((server) => server.stop()));
      await backends.close();
      const failure = stopped.find((result): result is PromiseRejectedResult => result.status === 'rejected');
      if (failure !== undefined) throw failure.reason;
    })());
  const failure = started.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failure !== undefined) {
    await stop().catch(() => {});
    throw failure.reason;
  }
  const [apiApp, realtime] = running as [BuiltApp, BuiltApp];
  const api = Object.defineProperty(apiApp, 'inspectorUrl', { get: () => inspectorUrl, enumerable: true }) as InspectableApp;
  return {
    api,
    realtime,
    wsUrl: `${realtime.url.replace(/^http/, 'ws')}/ws`,
    origin: ORIGIN,
    apiKey,
    databaseUrl: backends.databaseUrl,
    redisUrl: backends.redisUrl,
    redisPrefix: backends.redisPrefix,
    stop,
  };
}
