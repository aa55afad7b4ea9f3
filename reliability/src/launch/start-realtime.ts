import { startBuiltApp, type BuiltApp, type TestBackends } from '@livecart/local-services/testing';
import type { OutputLog } from './output-log.js';

export interface RealtimeLaunchOptions {
  backends: TestBackends;
  name?: string;
  /** ALLOWED_ORIGINS. */
  allowedOrigins: readonly string[];
  env?: Record<string, string>;
  log?: OutputLog;
}

/** The built realtime server on the test's Redis prefix, on a free port; its socket is `<url>/ws`. */
export function startRealtime(options: RealtimeLaunchOptions): Promise<BuiltApp> {
  const name = options.name ?? 'realtime';
  return startBuiltApp('realtime', {
    name,
    env: {
      REDIS_URL: options.backends.redisUrl,
      REDIS_PREFIX: options.backends.redisPrefix,
      INSTANCE_ID: name,
      ALLOWED_ORIGINS: options.allowedOrigins.join(','),
      ...options.env,
    },
    ...(options.log === undefined ? {} : { onLine: options.log.record }),
  });
}

export const socketUrlOf = (realtime: BuiltApp): string => `${realtime.url.replace(/^http/, 'ws')}/ws`;
