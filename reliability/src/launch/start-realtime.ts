import { join } from 'node:path';
import { findFreePort } from '@livecart/local-services';
import type { OutputLog } from './output-log.js';
import { repoRoot } from './paths.js';
import { startServer, type RunningServer } from './start-server.js';
import type { TestBackends } from './test-backends.js';

export interface RealtimeLaunchOptions {
  backends: TestBackends;
  name?: string;
  /** ALLOWED_ORIGINS. */
  allowedOrigins: readonly string[];
  env?: Record<string, string>;
  log?: OutputLog;
}

/** The built realtime server (`apps/realtime/dist/server.js`) on the test's Redis prefix; its socket is `<url>/ws`. */
export async function startRealtime(options: RealtimeLaunchOptions): Promise<RunningServer> {
  const name = options.name ?? 'realtime';
  return startServer({
    name,
    cwd: join(repoRoot, 'apps/realtime'),
    entry: 'dist/server.js',
    port: await findFreePort(),
    readyPath: '/ready',
    env: {
      LOG_LEVEL: 'warn',
      REDIS_URL: options.backends.redisUrl,
      REDIS_PREFIX: options.backends.redisPrefix,
      INSTANCE_ID: name,
      ALLOWED_ORIGINS: options.allowedOrigins.join(','),
      ...options.env,
    },
    ...(options.log === undefined ? {} : { log: options.log }),
  });
}

export const socketUrlOf = (realtime: RunningServer): string => `${realtime.url.replace(/^http/, 'ws')}/ws`;
