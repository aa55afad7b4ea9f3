import { startBuiltApp, type BuiltApp, type TestBackends } from '@livecart/local-services/testing';
import type { OutputLog } from './output-log.js';

export interface ApiLaunchOptions {
  backends: TestBackends;
  /** Output prefix, e.g. `api-1`. */
  name?: string;
  /** Added to (and overriding) the connection settings below, e.g. RATE_LIMIT_READ_MAX. */
  env?: Record<string, string>;
  log?: OutputLog;
}

/** The built api on the test's own database and Redis prefix, on a free port; ready once /ready answers. */
export function startApi(options: ApiLaunchOptions): Promise<BuiltApp> {
  const { backends } = options;
  return startBuiltApp('api', {
    name: options.name ?? 'api',
    env: {
      DATABASE_URL: backends.databaseUrl,
      REDIS_URL: backends.redisUrl,
      REDIS_PREFIX: backends.redisPrefix,
      // The suites probe /docs and read the OpenAPI document; a production api serves it only when told.
      API_DOCS_ENABLED: 'true',
      ...options.env,
    },
    ...(options.log === undefined ? {} : { onLine: options.log.record }),
  });
}

/** `count` api instances on the same database and Redis prefix, named api-1, api-2, … */
export async function startApis(count: number, options: Omit<ApiLaunchOptions, 'name'>): Promise<BuiltApp[]> {
  const started = await Promise.allSettled(Array.from({ length: count }, (_, i) => startApi({ ...options, name: `api-${i + 1}` })));
  const servers = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failure = started.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failure !== undefined) {
    await Promise.all(servers.map((server) => server.stop()));
    throw failure.reason;
  }
  return servers;
}
