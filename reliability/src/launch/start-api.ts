import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { findFreePort } from '@livecart/local-services';
import type { OutputLog } from './output-log.js';
import { repoRoot } from './paths.js';
import { startServer, type RunningServer } from './start-server.js';
import type { TestBackends } from './test-backends.js';

export interface ApiLaunchOptions {
  backends: TestBackends;
  adminToken: string;
  /** Output prefix, e.g. `api-1`. */
  name?: string;
  /** Added to (and overriding) the defaults below, e.g. RATE_LIMIT_READ_MAX. */
  env?: Record<string, string>;
  log?: OutputLog;
}

/** The built api (`apps/api/dist/server.js`) on the test's own database and Redis prefix; ready once /ready answers. */
export async function startApi(options: ApiLaunchOptions): Promise<RunningServer> {
  const { backends } = options;
  return startServer({
    name: options.name ?? 'api',
    cwd: join(repoRoot, 'apps/api'),
    entry: 'dist/server.js',
    port: await findFreePort(),
    readyPath: '/ready',
    env: {
      LOG_LEVEL: 'warn',
      DATABASE_URL: backends.databaseUrl,
      REDIS_URL: backends.redisUrl,
      REDIS_PREFIX: backends.redisPrefix,
      ADMIN_TOKEN: options.adminToken,
      SESSION_SECRET: randomBytes(32).toString('base64url'),
      ...options.env,
    },
    ...(options.log === undefined ? {} : { log: options.log }),
  });
}

/** `count` api instances on the same database and Redis prefix, named api-1, api-2, … */
export async function startApis(count: number, options: Omit<ApiLaunchOptions, 'name'>): Promise<RunningServer[]> {
  const started = await Promise.allSettled(Array.from({ length: count }, (_, i) => startApi({ ...options, name: `api-${i + 1}` })));
  const servers = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failure = started.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failure !== undefined) {
    await Promise.all(servers.map((server) => server.stop()));
    throw failure.reason;
  }
  return servers;
}
