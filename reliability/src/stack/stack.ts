import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { forkBalancer } from '@livecart/infra/balancer-child';
import { findFreePort } from '@livecart/local-services';
import { HOST, migrateDatabase } from '@livecart/local-services/testing';
import { TcpProxy } from '../proxy/tcp-proxy.js';
import { AppProcesses } from './app-processes.js';
import { PrivatePostgres } from './private-postgres.js';
import { PrivateRedis } from './private-redis.js';
import { API_SETTINGS, REALTIME_SETTINGS } from './stack-settings.js';
import { createSuiteKey } from '../launch/suite-key.js';
import { signInStaff } from '../launch/staff-session.js';

const DATABASE = 'livecart';

export interface StackOptions {
  apiInstances?: number;
  realtimeInstances?: number;
  /** Added to (or replacing) API_SETTINGS / REALTIME_SETTINGS. */
  apiEnv?: Record<string, string>;
  realtimeEnv?: Record<string, string>;
  /** The apps' LOG_LEVEL; default `warn`, or LIVECART_FAULT_LOG_LEVEL. */
  logLevel?: string;
  /** Where each app's whole output is kept (`<name>.log`); default LIVECART_FAULT_APP_LOGS, else nowhere. */
  logDir?: string;
  /** Every line the apps and servers print; default: kept only as each app's recent output. */
  onLine?: (line: string) => void;
}

/** The network paths a fault can be injected into, each one a proxy of its own. */
export interface StackLinks {
  apiPostgres: TcpProxy;
  apiRedis: TcpProxy;
  realtimeRedis: TcpProxy;
}

export interface Stack {
  /** The balancer: HTTP for the api pool, /ws for the realtime pool. */
  url: string;
  wsUrl: string;
  /** The Origin realtime accepts and the api allows for CORS. */
  origin: string;
  apiKey: string;
  /** `livecart_session=…` of an editor signed in through the balancer at startup. */
  sessionCookie: string;
  redisPrefix: string;
  /** Straight to the private Postgres, bypassing the proxies: what the checker reads the truth from. */
  databaseUrl: string;
  postgres: PrivatePostgres;
  redis: PrivateRedis;
  links: StackLinks;
  apps: AppProcesses;
  /** The environment each kind of app runs with, beyond connection settings. */
  settings: { api: Record<string, string>; realtime: Record<string, string> };
  /** The api instance that holds the outbox relay lease, as its /metrics says. */
  relayLeader(): Promise<string | undefined>;
  /** The api instance that holds the webhook worker lease, as its /metrics says. */
  webhookLeader(): Promise<string | undefined>;
  /** Apps that exited without being told to (crashes), with their last output. */
  processProblems(): string[];
  stop(): Promise<void>;
}

/**
 * The whole backend on private servers: Postgres and Redis of its own (temporary data directory, free
 * ports), each reached by the apps through a TcpProxy (api→Postgres, api→Redis, realtime→Redis), then
 * N api and N realtime production builds behind the local balancer. Nothing is shared with other test
 * runs, so servers can be stopped and links broken freely.
 */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startStackOnce(options);
    } catch (error) {
      // Free ports are picked before the servers bind them; on a busy machine another process can take
      // one in between. New ports are picked on the next attempt.
      if (attempt >= PORT_ATTEMPTS || !PORT_TAKEN.test((error as Error).message)) throw error;
    }
  }
}

const PORT_ATTEMPTS = 3;
const PORT_TAKEN = /EADDRINUSE|already in use/;

async function startStackOnce(options: StackOptions): Promise<Stack> {
  const dir = await mkdtemp(join(tmpdir(), 'livecart-stack-'));
  // Postgres runs as its own OS user when the test runs as root: it must be able to enter this folder.
  await chmod(dir, 0o755);
  const log = options.onLine ?? (() => {});
  const cleanups: (() => Promise<unknown>)[] = [() => rm(dir, { recursive: true, force: true })];
  const cleanup = async () => {
    for (const step of cleanups.splice(0).reverse()) await step().catch(() => {});
  };

  try {
    const [postgres, redis] = await Promise.all([PrivatePostgres.start(dir, log), PrivateRedis.start(dir, log)]);
    cleanups.push(() => postgres.stop(), () => redis.stop());
    const databaseUrl = await postgres.createDatabase(DATABASE);
    await migrateDatabase(databaseUrl);
    const apiKey = await createSuiteKey(databaseUrl);

    const links: StackLinks = {
      apiPostgres: await TcpProxy.start({ name: 'api→postgres', target: { host: HOST, port: postgres.port } }),
      apiRedis: await TcpProxy.start({ name: 'api→redis', target: { host: HOST, port: redis.port } }),
      realtimeRedis: await TcpProxy.start({ name: 'realtime→redis', target: { host: HOST, port: redis.port } }),
    };
    cleanups.push(...Object.values(links).map((link) => () => link.close()));

    const apiPorts = await freePorts(options.apiInstances ?? 2);
    const realtimePorts = await freePorts(options.realtimeInstances ?? 2);
    const balancerPort = await findFreePort();
    const origin = `http://${HOST}:${balancerPort}`;
    // In a process of its own, as nginx would be: the fleet's bursts in this one never delay its timers.
    const balancer = await forkBalancer({
      host: HOST,
      port: balancerPort,
      pools: { api: targets(apiPorts), realtime: targets(realtimePorts), web: [] },
    });
    cleanups.push(() => balancer.close());

    const redisPrefix = 'faults';
    const settings = {
      api: { ...API_SETTINGS, ...options.apiEnv },
      realtime: { ...REALTIME_SETTINGS, ...options.realtimeEnv },
    };
    const common = { LOG_LEVEL: options.logLevel ?? process.env.LIVECART_FAULT_LOG_LEVEL ?? 'warn', REDIS_PREFIX: redisPrefix };
    const apps = new AppProcesses(options.onLine, options.logDir ?? process.env.LIVECART_FAULT_APP_LOGS);
    cleanups.push(() => apps.stopAll());
    // Settled, not Promise.all: on a failure the others must have finished starting to be stopped with it.
    const started = await Promise.allSettled([
      ...apiPorts.map((port, i) =>
        apps.start({
          name: `api-${i + 1}`,
          kind: 'api',
          port,
          env: {
            ...common,
            ...settings.api,
            DATABASE_URL: links.apiPostgres.rewrite(databaseUrl),
            REDIS_URL: links.apiRedis.rewrite(redis.url),
            CORS_ORIGINS: origin,
            TRUST_PROXY: 'loopback',
          },
        }),
      ),
      ...realtimePorts.map((port, i) =>
        apps.start({
          name: `realtime-${i + 1}`,
          kind: 'realtime',
          port,
          env: {
            ...common,
            ...settings.realtime,
            REDIS_URL: links.realtimeRedis.rewrite(redis.url),
            INSTANCE_ID: `realtime-${i + 1}`,
            ALLOWED_ORIGINS: origin,
          },
        }),
      ),
    ]);
    const failure = started.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failure !== undefined) throw failure.reason;
    // Signed in through the balancer, as a browser would; the load writes with it and with the key.
    const sessionCookie = await signInStaff(origin, databaseUrl, { email: 'faults.editor@example.com', role: 'editor' });

    return {
      url: origin,
      wsUrl: `ws://${HOST}:${balancerPort}/ws`,
      origin,
      apiKey,
      sessionCookie,
      redisPrefix,
      databaseUrl,
      postgres,
      redis,
      links,
      apps,
      settings,
      relayLeader: () => leaderOf(apps, 'outbox_relay_leader'),
      webhookLeader: () => leaderOf(apps, 'webhook_worker_leader'),
      processProblems: () => apps.unexpectedExits(),
      stop: cleanup,
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

/** findFreePort never hands out one port twice in a process: these are distinct. */
async function freePorts(count: number): Promise<number[]> {
  const ports: number[] = [];
  for (let i = 0; i < count; i++) ports.push(await findFreePort());
  return ports;
}

function targets(ports: readonly number[]) {
  return ports.map((port) => ({ host: HOST, port }));
}

/** Reads a lease's gauge (`outbox_relay_leader`, `webhook_worker_leader`) from every running api instance; the first one reporting 1. */
async function leaderOf(apps: AppProcesses, gauge: string): Promise<string | undefined> {
  for (const name of apps.names('api')) {
    if (!apps.isRunning(name)) continue;
    // The signal also covers reading the body (an instance just woken from SIGSTOP can be that slow).
    const text = await fetch(`${apps.url(name)}/metrics`, { signal: AbortSignal.timeout(5_000) })
      .then((response) => response.text())
      .catch(() => '');
    if (new RegExp(`^${gauge} 1$`, 'm').test(text)) return name;
  }
  return undefined;
}
