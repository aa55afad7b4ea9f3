import { findFreePort } from '@livecart/local-services';
import { HOST, migrateDatabase, seedDatabase, startBuiltApp, type BuiltApp } from '@livecart/local-services/testing';
import { startBalancer, type Balancer, type BalancerOptions, type PoolName, type Target } from './balancer.js';

export interface ClusterOptions {
  /** The database the apps use; migrated before the api instances start. */
  databaseUrl: string;
  redisUrl: string;
  redisPrefix: string;
  /** Where the balancer listens; the instances take free ports (only the balancer's address matters). */
  balancerPort: number;
  /**
   * Where browsers reach the cluster, when not (only) through the balancer: other proxies in front, e.g. a
   * test's nginx. Each is an origin the api's CORS and realtime's Origin check allow; the first is where
   * the storefront's pages open their socket. Default: the balancer.
   */
  publicUrls?: readonly string[];
  logLevel: string;
  /** Load the demo catalog (idempotent) after migrating. */
  seed: boolean;
  onLine?: (line: string) => void;
  /** More environment per app, over the cluster's own (e.g. a load run's rate limits or hold lifetime). */
  env?: Partial<Record<'api' | 'realtime' | 'web', Record<string, string>>>;
  /** Starts the balancer; default: `startBalancer` in this process (a load run may spread it over processes). */
  startBalancer?: (options: BalancerOptions) => Promise<Balancer>;
}

export interface Cluster {
  /** The balancer: the one address a browser uses. */
  url: string;
  wsUrl: string;
  /** api-1, api-2, realtime-1, realtime-2, web. */
  instances: Map<string, BuiltApp>;
  /** Each instance's own address, by name. */
  urls: Map<string, string>;
  stop(): Promise<void>;
}

export const DEFAULT_BALANCER_PORT = 8080;

/**
 * Production builds of two api, two realtime and one web instance on this machine behind a small
 * balancer, with the same routes as the compose stack's nginx. Every instance runs with NODE_ENV=production.
 */
export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const balancerUrl = `http://${HOST}:${options.balancerPort}`;
  const origins = options.publicUrls !== undefined && options.publicUrls.length > 0 ? options.publicUrls : [balancerUrl];
  const origin = origins[0]!;
  await migrateDatabase(options.databaseUrl);
  if (options.seed) await seedDatabase(options.databaseUrl, 5000);

  const ports = { api: [await findFreePort(), await findFreePort()], realtime: [await findFreePort(), await findFreePort()], web: await findFreePort() };
  const targets = (pool: number[]) => pool.map((port) => ({ host: HOST, port }));
  const pools: Record<PoolName, Target[]> = { api: targets(ports.api), realtime: targets(ports.realtime), web: targets([ports.web]) };
  // First, so a taken balancer port fails the start before any instance runs.
  const balancer = await (options.startBalancer ?? startBalancer)({ host: HOST, port: options.balancerPort, pools });

  const instances = new Map<string, BuiltApp>();
  const stop = async () => {
    await balancer.close();
    await Promise.all([...instances.values()].map((instance) => instance.stop()));
  };
  const common = { LOG_LEVEL: options.logLevel, REDIS_URL: options.redisUrl, REDIS_PREFIX: options.redisPrefix };
  const start = async (name: string, app: 'api' | 'realtime' | 'web', port: number, env: Record<string, string>) => {
    const instance = await startBuiltApp(app, { name, port, env: { ...common, ...env, ...options.env?.[app] }, ...(options.onLine === undefined ? {} : { onLine: options.onLine }) });
    instances.set(name, instance);
  };

  const apiEnv = {
    DATABASE_URL: options.databaseUrl,
    CORS_ORIGINS: origins.join(','),
    TRUST_PROXY: 'loopback',
    // A cluster on this machine, to try things: its start prints the docs address.
    API_DOCS_ENABLED: 'true',
  };
  const started = await Promise.allSettled([
    ...ports.api.map((port, i) => start(`api-${i + 1}`, 'api', port, apiEnv)),
    ...ports.realtime.map((port, i) => start(`realtime-${i + 1}`, 'realtime', port, { INSTANCE_ID: `realtime-${i + 1}`, ALLOWED_ORIGINS: origins.join(',') })),
    // Server-side calls go through the balancer, so they spread over both api instances too.
    start('web', 'web', ports.web, {
      API_URL: balancerUrl,
      // Behind the balancer (or a proxy in front of it), which appends the shopper's address.
      TRUST_PROXY_HOPS: '1',
      NEXT_PUBLIC_REALTIME_URL: `${origin.replace(/^http/, 'ws')}/ws`,
      REALTIME_SERVER_URL: `ws://${HOST}:${options.balancerPort}/ws`,
      // Its cache invalidator subscribes through the balancer too, with an Origin realtime allows.
      REALTIME_SERVER_ORIGIN: origin,
    }),
  ]);
  const failure = started.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failure !== undefined) {
    await stop();
    throw failure.reason;
  }
  const urls = new Map([...instances].map(([name, instance]) => [name, instance.url]));
  return { url: balancerUrl, wsUrl: `ws://${HOST}:${options.balancerPort}/ws`, instances, urls, stop };
}
