import path from 'node:path';
import { findFreePort } from '@livecart/local-services';
import {
  createStaffUser,
  createTestBackends,
  processBaseEnv,
  startBuiltApp,
  startProcess,
  type BuiltApp,
  type RunningProcess,
} from '@livecart/local-services/testing';
import { ARTIFACTS_DIR, E2E_DIST_DIR, WEB_DIR } from './paths';
import { newStaffAccount, type StaffAccount } from './staff';

export interface Stack {
  webUrl: string;
  apiUrl: string;
  /** The stack's own database, to compare rows before and after a refused request. */
  databaseUrl: string;
  /** One account per role, created with the API's users:create command. The web server holds no credential. */
  staff: { admin: StaffAccount; editor: StaffAccount; viewer: StaffAccount };
  /** Crashes the realtime server (SIGKILL), as a lost instance would. */
  killRealtime(): Promise<void>;
  startRealtime(): Promise<void>;
  stop(): Promise<void>;
}

/** `production`: the standalone server the image runs (as `pnpm start` does); `development`: `next dev`. */
export type WebMode = 'production' | 'development';

const HOST = '127.0.0.1';
/** One file per service and run (a restarted server appends to its own). */
const logFile = (name: string) => path.join(ARTIFACTS_DIR, 'logs', `${name}.log`);

/**
 * The real stack on free ports: a fresh database (migrated and seeded by the API's own commands), a
 * Redis key prefix of its own, the built API, the built realtime server and the web server.
 */
export async function startStack(options: {
  adminDatabaseUrl: string;
  redisUrl: string;
  seedCount?: number;
  web?: WebMode;
  /** Settings for the API over the suite's defaults, e.g. a short SESSION_IDLE_TIMEOUT_S. */
  apiEnv?: Record<string, string>;
  /** Settings for the web server over the suite's defaults, e.g. TRUST_PROXY_HOPS. */
  webEnv?: Record<string, string>;
}): Promise<Stack> {
  const webMode = options.web ?? 'production';
  const staff = { admin: newStaffAccount('admin'), editor: newStaffAccount('editor'), viewer: newStaffAccount('viewer') };
  const backends = await createTestBackends({
    label: 'web-e2e',
    services: { databaseUrl: options.adminDatabaseUrl, redisUrl: options.redisUrl },
    seed: options.seedCount ?? 150,
  });
  const running = new Map<string, BuiltApp | RunningProcess>();
  const teardown = async () => {
    await Promise.allSettled([...running.values()].map((service) => service.stop('SIGTERM', 10_000)));
    running.clear();
    await backends.close();
  };

  const [apiPort, realtimePort, webPort] = [await findFreePort(), await findFreePort(), await findFreePort()];
  const webUrl = `http://${HOST}:${webPort}`;
  const common = { REDIS_URL: backends.redisUrl, REDIS_PREFIX: backends.redisPrefix };
  const startRealtime = async () => {
    const realtime = await startBuiltApp('realtime', { port: realtimePort, logFile: logFile('realtime'), env: { ...common, ALLOWED_ORIGINS: webUrl } });
    running.set('realtime', realtime);
  };

  let apiUrl = '';
  try {
    for (const account of Object.values(staff)) await createStaffUser(backends.databaseUrl, account);
    const api = await startBuiltApp('api', {
      port: apiPort,
      logFile: logFile('api'),
      // Every browser request reaches the API from the web server's one address: no per-IP limit in tests.
      env: { ...common, DATABASE_URL: backends.databaseUrl, RATE_LIMIT_ENABLED: 'false', ...options.apiEnv },
    });
    running.set('api', api);
    apiUrl = api.url;
    await startRealtime();
    const webEnv = {
      // `next dev` keeps its output in <distDir>/dev, apart from the build the production server runs.
      NEXT_DIST_DIR: E2E_DIST_DIR,
      API_URL: apiUrl,
      NEXT_PUBLIC_REALTIME_URL: `ws://${HOST}:${realtimePort}/ws`,
      // The web server's own cache invalidator connects as this origin.
      REALTIME_SERVER_ORIGIN: webUrl,
      ...options.webEnv,
    };
    const web =
      webMode === 'production'
        ? await startBuiltApp('web', { name: 'web-production', port: webPort, webDistDir: E2E_DIST_DIR, logFile: logFile('web-production'), env: webEnv })
        : await startProcess({
            name: 'web-development',
            command: process.execPath,
            args: [path.join(WEB_DIR, 'node_modules/next/dist/bin/next'), 'dev', '--port', String(webPort), '--hostname', HOST],
            cwd: WEB_DIR,
            env: { ...processBaseEnv(), ...webEnv, NODE_ENV: 'development', NEXT_TELEMETRY_DISABLED: '1' },
            readyUrl: `${webUrl}/`,
            // `next dev` compiles the page on this first request.
            readyTimeoutMs: 180_000,
            logFile: logFile('web-development'),
          });
    running.set('web', web);
  } catch (error) {
    // A half-started stack must not outlive the failed test file.
    await teardown();
    throw error;
  }

  return {
    webUrl,
    apiUrl,
    databaseUrl: backends.databaseUrl,
    staff,
    killRealtime: async () => {
      await running.get('realtime')?.stop('SIGKILL');
      running.delete('realtime');
    },
    startRealtime,
    stop: teardown,
  };
}
