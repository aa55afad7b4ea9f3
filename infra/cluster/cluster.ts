import { randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { findFreePort } from '@livecart/local-services';
import { startBalancer, type PoolName, type Target } from './balancer.js';
import { startInstance, type Instance } from './instance.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const apiDir = join(repoRoot, 'apps/api');
const realtimeDir = join(repoRoot, 'apps/realtime');
const webBuild = join(repoRoot, 'apps/web/.next');
const HOST = '127.0.0.1';

export interface ClusterOptions {
  /** The database the apps use; migrated before the api instances start. */
  databaseUrl: string;
  redisUrl: string;
  redisPrefix: string;
  adminToken: string;
  /** Where the balancer listens; the instances take free ports (only the balancer's address matters). */
  balancerPort: number;
  logLevel: string;
  /** Load the demo catalog (idempotent) after migrating. */
  seed: boolean;
  onLine?: (line: string) => void;
}

export interface Cluster {
  /** The balancer: the one address a browser uses. */
  url: string;
  wsUrl: string;
  /** api-1, api-2, realtime-1, realtime-2, web. */
  instances: Map<string, Instance>;
  /** Each instance's own address, by name. */
  urls: Map<string, string>;
  stop(): Promise<void>;
}

export const DEFAULT_BALANCER_PORT = 8080;

/** The standalone server plus its static assets, assembled as the web image's final stage does. */
async function assembleWeb(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'livecart-cluster-web-'));
  try {
    await cp(join(webBuild, 'standalone'), dir, { recursive: true, verbatimSymlinks: true });
    await cp(join(webBuild, 'static'), join(dir, 'apps/web/.next/static'), { recursive: true });
    return dir;
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Production builds of two api, two realtime and one web instance on this machine behind a small
 * balancer, with the same routes as the compose stack's nginx. Every instance runs with NODE_ENV=production.
 */
export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const origin = `http://${HOST}:${options.balancerPort}`;
  const base = { ...process.env, NODE_ENV: 'production', HOST, LOG_LEVEL: options.logLevel };
  const shared = { REDIS_URL: options.redisUrl, REDIS_PREFIX: options.redisPrefix };
  const tool = (script: string, ...args: string[]) =>
    promisify(execFile)(process.execPath, [script, ...args], { cwd: apiDir, env: { ...base, DATABASE_URL: options.databaseUrl } });

  await tool('dist/db/migrate-cli.js');
  if (options.seed) await tool('dist/db/seed-cli.js', '--count', '5000');

  const port = () => findFreePort();
  const ports = { api: [await port(), await port()], realtime: [await port(), await port()], web: await port() };
  const targets = (pool: number[]) => pool.map((p) => ({ host: HOST, port: p }));
  const pools: Record<PoolName, Target[]> = { api: targets(ports.api), realtime: targets(ports.realtime), web: targets([ports.web]) };
  // First, so a taken balancer port fails the start before any instance runs.
  const balancer = await startBalancer({ host: HOST, port: options.balancerPort, pools });

  const instances = new Map<string, Instance>();
  const urls = new Map<string, string>();
  let webDir: string | undefined;
  const stop = async () => {
    await balancer.close();
    await Promise.all([...instances.values()].map((instance) => instance.stop()));
    if (webDir !== undefined) await rm(webDir, { recursive: true, force: true });
  };

  const start = async (name: string, cwd: string, entry: string, port: number, readyPath: string, env: NodeJS.ProcessEnv) => {
    const url = `http://${HOST}:${port}`;
    const instance = await startInstance({
      name,
      command: process.execPath,
      args: [entry],
      cwd,
      env: { ...base, ...env, PORT: String(port) },
      readyUrl: `${url}${readyPath}`,
      readyTimeoutMs: 60_000,
      ...(options.onLine === undefined ? {} : { onLine: options.onLine }),
    });
    instances.set(name, instance);
    urls.set(name, url);
  };

  const apiEnv = { ...shared, DATABASE_URL: options.databaseUrl, ADMIN_TOKEN: options.adminToken, SESSION_SECRET: randomBytes(32).toString('base64url'), CORS_ORIGINS: origin, TRUST_PROXY: 'true' };
  const realtimeEnv = (id: string) => ({ ...shared, INSTANCE_ID: id, ALLOWED_ORIGINS: origin });
  const started = await Promise.allSettled([
    ...ports.api.map((p, i) => start(`api-${i + 1}`, apiDir, 'dist/server.js', p, '/ready', apiEnv)),
    ...ports.realtime.map((p, i) => start(`realtime-${i + 1}`, realtimeDir, 'dist/server.js', p, '/ready', realtimeEnv(`realtime-${i + 1}`))),
    assembleWeb().then((dir) => {
      webDir = dir;
      // Server-side calls go through the balancer, so they spread over both api instances too.
      return start('web', dir, 'apps/web/server.js', ports.web, '/', {
        HOSTNAME: HOST,
        API_URL: origin,
        ADMIN_TOKEN: options.adminToken,
        NEXT_PUBLIC_REALTIME_URL: `ws://${HOST}:${options.balancerPort}/ws`,
        // Its cache invalidator subscribes through the balancer too, with an Origin realtime allows.
        REALTIME_SERVER_ORIGIN: origin,
      });
    }),
  ]);
  const failure = started.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failure !== undefined) {
    await stop();
    throw failure.reason;
  }
  return { url: origin, wsUrl: `ws://${HOST}:${options.balancerPort}/ws`, instances, urls, stop };
}
