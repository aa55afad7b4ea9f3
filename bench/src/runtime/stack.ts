import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureServices, type Services } from '@livecart/local-services';
import {
  clearRedisPrefix,
  createApiKey,
  createTestDatabase,
  migrateDatabase,
  seedDatabase,
  startBuiltApp,
  type TestDatabase,
} from '@livecart/local-services/testing';
import pg from 'pg';
import { setSessionNiceness } from '../../realtime/harness/processes.js';
import { startServer as startRealtimeServer } from '../../realtime/harness/servers.js';
import { REPO, SERVER_CPUS } from './paths.js';
import { onCleanup, runGroup } from './processes.js';

/** Webhook endpoints the API delivers to at the same time: as many as the webhooks suite registers. */
export const WEBHOOK_LANES = 20;
/**
 * The webhook worker's instance runs at this nice value on the servers' core: it delivers with the CPU the
 * live path leaves, as a deployment that runs the worker apart from the serving instances would.
 */
export const WEBHOOK_WORKER_NICE = 10;

export interface ProductRef {
  id: string;
  category: string;
  /** A word of the product's name, to search for. */
  term: string;
  stock: number;
}

export interface ApiTarget {
  url: string;
  apiKey: string;
  /** The local server's pid (process group), when this run started it. */
  pid: number | null;
}

export interface RealtimeTarget {
  /** ws://…/ws */
  wsUrl: string;
  /** http://… of the same server: /metrics, /ready. */
  httpUrl: string;
  pid: number | null;
}

export interface RemoteTargets {
  apiUrl?: string;
  realtimeUrl?: string;
  apiKey?: string;
}


/**
 * The livecart stack the Artillery, Next-baseline and end-to-end suites run against: local Postgres and
 * Redis (found or started by @livecart/local-services), a fresh migrated and seeded database, the API and
 * the realtime server from their production builds. Started piece by piece on first use, once per run;
 * with API_URL / REALTIME_URL set, those deployments are used instead and nothing is started.
 */
export class Stack {
  private services?: Promise<Services>;
  private database?: Promise<TestDatabase>;
  private apiTarget?: Promise<ApiTarget>;
  private webhookWorkerTarget?: Promise<{ pid: number }>;
  private realtimeTarget?: Promise<RealtimeTarget>;
  private productList?: Promise<ProductRef[]>;
  readonly prefix = `bench:e2e:${process.pid}:${Date.now().toString(36)}`;

  constructor(
    private readonly options: { remote: RemoteTargets; seedCount: number; logDir: string; log: (line: string) => void },
  ) {}

  get isRemoteApi(): boolean {
    return this.options.remote.apiUrl !== undefined;
  }

  get isRemoteRealtime(): boolean {
    return this.options.remote.realtimeUrl !== undefined;
  }

  localServices(): Promise<Services> {
    this.services ??= (async () => {
      const services = await ensureServices({ mode: 'test', log: (line: string) => this.options.log(`[services] ${line}`) });
      onCleanup('postgres and redis', () => services.stop());
      return services;
    })();
    return this.services;
  }

  /** The run's database, migrated and seeded (the flash-sale cluster runs on it too). */
  seeded(): Promise<TestDatabase> {
    return this.seededDatabase();
  }

  private seededDatabase(): Promise<TestDatabase> {
    this.database ??= (async () => {
      const services = await this.localServices();
      const database = await createTestDatabase({ adminUrl: services.databaseUrl, prefix: 'livecart_bench', migrate: migrateDatabase });
      onCleanup('bench database', () => database.drop());
      onCleanup('bench redis keys', () => clearRedisPrefix(services.redisUrl, this.prefix));
      this.options.log(`seeding ${this.options.seedCount} products…`);
      await seedDatabase(database.url, this.options.seedCount);
      return database;
    })();
    return this.database;
  }

  api(): Promise<ApiTarget> {
    this.apiTarget ??= (async () => {
      const { apiUrl, apiKey: remoteKey } = this.options.remote;
      if (apiUrl !== undefined) {
        if (remoteKey === undefined) throw new Error('API_URL is set but API_KEY is not: the write scenarios need an API key with catalog:write');
        return { url: apiUrl.replace(/\/$/, ''), apiKey: remoteKey, pid: null };
      }
      const [services, database] = await Promise.all([this.localServices(), this.seededDatabase()]);
      const server = await startBuiltApp('api', {
        name: 'api server',
        pin: { cpus: SERVER_CPUS },
        readyTimeoutMs: 30_000,
        logFile: join(this.options.logDir, 'api.log'),
        env: {
          LOG_LEVEL: 'info',
          DATABASE_URL: database.url,
          REDIS_URL: services.redisUrl,
          REDIS_PREFIX: this.prefix,
          // Rate limiting stays on (it is part of the request path), with limits no load run reaches.
          RATE_LIMIT_ENABLED: 'true',
          RATE_LIMIT_READ_MAX: '1000000000',
          RATE_LIMIT_WRITE_MAX: '1000000000',
          RATE_LIMIT_ORDER_MAX: '1000000000',
          RATE_LIMIT_SHOPPER_ORDER_MAX: '1000000000',
          ...WEBHOOK_ENV,
          // The serving instance does not deliver webhooks: webhookWorker() does, apart.
          WEBHOOK_WORKER_ENABLED: 'false',
        },
      });
      onCleanup('api server', async () => {
        await server.stop();
      });
      const { url } = server;
      this.options.log(`api on ${url} (core ${SERVER_CPUS})`);
      // The write scenarios' credential: a key made at startup, as an admin would (no static token).
      const apiKey = await createApiKey(database.url, { name: 'bench', scopes: ['catalog:write', 'orders:read', 'orders:write'] });
      return { url, apiKey, pid: server.pid };
    })();
    return this.apiTarget;
  }

  /**
   * An api instance that takes no requests and only delivers webhooks (no relay), at a lower CPU priority
   * (WEBHOOK_WORKER_NICE) on the servers' core: the deployment apps/api/README.md describes for webhooks
   * that must never slow the live path.
   */
  webhookWorker(): Promise<{ pid: number }> {
    this.webhookWorkerTarget ??= (async () => {
      if (this.options.remote.apiUrl !== undefined) throw new Error('the webhooks suite runs its own api: API_URL is not supported');
      const [services, database] = await Promise.all([this.localServices(), this.seededDatabase()]);
      const server = await startBuiltApp('api', {
        name: 'webhook worker',
        pin: { cpus: SERVER_CPUS, nice: WEBHOOK_WORKER_NICE },
        readyTimeoutMs: 30_000,
        logFile: join(this.options.logDir, 'webhook-worker.log'),
        env: {
          LOG_LEVEL: 'info',
          DATABASE_URL: database.url,
          REDIS_URL: services.redisUrl,
          REDIS_PREFIX: this.prefix,
          OUTBOX_RELAY_ENABLED: 'false',
          WEBHOOK_WORKER_ENABLED: 'true',
          ...WEBHOOK_ENV,
        },
      });
      onCleanup('webhook worker', async () => {
        await server.stop();
      });
      // Its nice value alone would order it only against itself (a session of its own: see setSessionNiceness).
      const session = setSessionNiceness(server.pid, WEBHOOK_WORKER_NICE);
      this.options.log(`webhook worker on core ${SERVER_CPUS} at nice ${WEBHOOK_WORKER_NICE} (${session})`);
      return { pid: server.pid };
    })();
    return this.webhookWorkerTarget;
  }

  realtime(): Promise<RealtimeTarget> {
    this.realtimeTarget ??= (async () => {
      const { realtimeUrl } = this.options.remote;
      if (realtimeUrl !== undefined) {
        const ws = new URL(realtimeUrl);
        const http = new URL(ws);
        http.protocol = ws.protocol === 'wss:' ? 'https:' : 'http:';
        http.pathname = '/';
        return { wsUrl: ws.toString(), httpUrl: http.toString().replace(/\/$/, ''), pid: null };
      }
      const services = await this.localServices();
      const server = await startRealtimeServer('ours', { redisUrl: services.redisUrl, prefix: this.prefix, cpus: SERVER_CPUS });
      const httpUrl = server.wsUrl.replace(/^ws/, 'http').replace(/\/ws$/, '');
      this.options.log(`realtime on ${server.wsUrl} (core ${SERVER_CPUS})`);
      return { wsUrl: server.wsUrl, httpUrl, pid: server.pid };
    })();
    return this.realtimeTarget;
  }

  /** In-stock products (stock ≥ 50, so orders never run them out), from the database or the API. */
  products(): Promise<ProductRef[]> {
    this.productList ??= (async () => {
      const rows = this.isRemoteApi ? await productsFromApi((await this.api()).url) : await productsFromDatabase((await this.seededDatabase()).url);
      if (rows.length === 0) throw new Error('no product with stock ≥ 50 found for the payload');
      return rows;
    })();
    return this.productList;
  }

  /** Writes the Artillery payload (`id,category,term`) and returns its path. */
  async productsCsv(path: string): Promise<string> {
    const rows = await this.products();
    writeFileSync(path, `${rows.map((p) => `${p.id},${p.category},${p.term}`).join('\n')}\n`);
    return path;
  }

  /** A Redis URL for suites that need one of their own keys (the local one, even with a remote API). */
  async redisUrl(): Promise<string> {
    return (await this.localServices()).redisUrl;
  }
}

const PAYLOAD_SIZE = 1_000;

function termOf(name: string): string {
  const words = name.toLowerCase().match(/[a-z]{3,}/g) ?? ['product'];
  return words[Math.min(2, words.length - 1)]!;
}

async function productsFromDatabase(url: string): Promise<ProductRef[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: string; category: string; name: string; stock: number }>(
      'SELECT id, category, name, stock FROM products WHERE stock >= 50 ORDER BY sku LIMIT $1',
      [PAYLOAD_SIZE],
    );
    return rows.map((row) => ({ id: row.id, category: row.category, term: termOf(row.name), stock: row.stock }));
  } finally {
    await client.end();
  }
}

async function productsFromApi(apiUrl: string): Promise<ProductRef[]> {
  const found: ProductRef[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 20 && found.length < PAYLOAD_SIZE; page++) {
    const query: string = `${apiUrl}/v1/products?inStock=true&limit=100${cursor === null ? '' : `&cursor=${cursor}`}`;
    const response = await fetch(query);
    if (!response.ok) throw new Error(`GET ${query} answered ${response.status}`);
    const body = (await response.json()) as { items: { id: string; category: string; name: string; stock: number }[]; nextCursor: string | null };
    for (const item of body.items) if (item.stock >= 50) found.push({ id: item.id, category: item.category, term: termOf(item.name), stock: item.stock });
    cursor = body.nextCursor;
    if (cursor === null) break;
  }
  return found;
}

/** Production builds of the apps a run needs (turbo: cached when nothing changed). */
export async function buildApps(filters: string[], logFile: string): Promise<void> {
  if (filters.length === 0) return;
  await runGroup('turbo build', 'pnpm', ['exec', 'turbo', 'run', 'build', ...filters.map((f) => `--filter=${f}`), '--output-logs=errors-only'], {
    cwd: REPO,
    logFile,
    env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' },
  });
}

/**
 * The webhooks suite's receivers listen on this machine's loopback, over plain HTTP; one delivery lane per
 * endpoint it registers (the default 8 would leave 12 of its 20 waiting for a turn).
 */
const WEBHOOK_ENV = {
  WEBHOOK_ALLOW_HTTP: 'true',
  WEBHOOK_ALLOWED_NETWORKS: '127.0.0.0/8,::1/128',
  WEBHOOK_CONCURRENCY: String(WEBHOOK_LANES),
};
