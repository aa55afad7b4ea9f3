import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { findFreePort } from '@livecart/local-services';
import { clearRedisPrefix, createTestDatabase, testRedisPrefix } from '@livecart/local-services/testing';
import { API_DIR, E2E_DIST_DIR, REALTIME_DIR, WEB_DIR } from './paths';
import { run, type Service, startService } from './processes';

export interface Stack {
  webUrl: string;
  apiUrl: string;
  adminToken: string;
  /** Crashes the realtime server (SIGKILL), as a lost instance would. */
  killRealtime(): Promise<void>;
  startRealtime(): Promise<void>;
  stop(): Promise<void>;
}

/** `production`: the standalone server `pnpm start` runs (as the image does); `development`: `next dev`. */
export type WebMode = 'production' | 'development';

/**
 * The real stack on free ports: a fresh database (migrated and seeded by the API's own commands), a
 * Redis key prefix of its own, the built API, the built realtime server and the web server.
 */
export async function startStack(options: { adminDatabaseUrl: string; redisUrl: string; seedCount?: number; web?: WebMode }): Promise<Stack> {
  const webMode = options.web ?? 'production';
  const adminToken = randomBytes(24).toString('hex');
  const redisPrefix = testRedisPrefix('web-e2e');
  const toolEnv = (url: string) => ({ DATABASE_URL: url, NODE_ENV: 'production' });
  const database = await createTestDatabase({
    adminUrl: options.adminDatabaseUrl,
    prefix: 'livecart_web_e2e',
    migrate: async (url) => void (await run('node', ['dist/db/migrate-cli.js'], { cwd: API_DIR, env: toolEnv(url) })),
  });
  const running = new Map<string, Service>();
  const teardown = async () => {
    await Promise.allSettled([...running.values()].map((service) => service.stop()));
    running.clear();
    await database.drop();
    await clearRedisPrefix(options.redisUrl, redisPrefix);
  };

  const [apiPort, realtimePort, webPort] = await distinctFreePorts(3);
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const webUrl = `http://127.0.0.1:${webPort}`;
  const common = { NODE_ENV: 'production', LOG_LEVEL: 'warn', HOST: '127.0.0.1', REDIS_URL: options.redisUrl, REDIS_PREFIX: redisPrefix };
  const startRealtime = async () => {
    const realtime = await startService({
      name: 'realtime',
      command: 'node',
      args: ['dist/server.js'],
      cwd: REALTIME_DIR,
      env: { ...common, PORT: String(realtimePort), ALLOWED_ORIGINS: webUrl },
      readyUrl: `http://127.0.0.1:${realtimePort}/ready`,
    });
    running.set('realtime', realtime);
  };

  try {
    await run('node', ['dist/db/seed-cli.js', '--count', String(options.seedCount ?? 150)], { cwd: API_DIR, env: toolEnv(database.url) });
    const api = await startService({
      name: 'api',
      command: 'node',
      args: ['dist/server.js'],
      cwd: API_DIR,
      // Every browser request reaches the API from the web server's one address: no per-IP limit in tests.
      env: { ...common, PORT: String(apiPort), DATABASE_URL: database.url, ADMIN_TOKEN: adminToken, SESSION_SECRET: randomBytes(32).toString('base64url'), RATE_LIMIT_ENABLED: 'false' },
      readyUrl: `${apiUrl}/ready`,
    });
    running.set('api', api);
    await startRealtime();
    const { command, args, env: listen } = webCommand(webMode, webPort!);
    const web = await startService({
      name: `web-${webMode}`,
      command,
      args,
      cwd: WEB_DIR,
      env: {
        ...listen,
        NODE_ENV: webMode,
        NEXT_TELEMETRY_DISABLED: '1',
        // `next dev` keeps its output in <distDir>/dev, apart from the build the production server runs.
        NEXT_DIST_DIR: E2E_DIST_DIR,
        API_URL: apiUrl,
        ADMIN_TOKEN: adminToken,
        NEXT_PUBLIC_REALTIME_URL: `ws://127.0.0.1:${realtimePort}/ws`,
        // The web server's own cache invalidator connects as this origin.
        REALTIME_SERVER_ORIGIN: webUrl,
      },
      readyUrl: `${webUrl}/`,
      // `next dev` compiles the page on this first request.
      timeoutMs: webMode === 'development' ? 180_000 : 60_000,
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
    adminToken,
    killRealtime: async () => {
      await running.get('realtime')?.kill();
      running.delete('realtime');
    },
    startRealtime,
    stop: teardown,
  };
}

function webCommand(mode: WebMode, port: number): { command: string; args: string[]; env: Record<string, string> } {
  if (mode === 'development') {
    const next = path.join(WEB_DIR, 'node_modules/next/dist/bin/next');
    return { command: 'node', args: [next, 'dev', '--port', String(port), '--hostname', '127.0.0.1'], env: {} };
  }
  // What `pnpm start` runs, configured the way it is in production: by PORT and HOST.
  return { command: 'node', args: [path.join(WEB_DIR, 'scripts/start.mjs')], env: { PORT: String(port), HOST: '127.0.0.1' } };
}

/** Asked one after another and checked for repeats: a port just released can be handed out again. */
async function distinctFreePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await findFreePort());
  return [...ports];
}
