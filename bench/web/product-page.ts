/**
 * The storefront's product page, GET /products/:id, served by the production web build against another
 * web build (e.g. one from before a change) in the same rounds, both in front of the same api and realtime
 * servers and database. Usage (after `pnpm build`):
 *
 *   git worktree add ../livecart-before <rev> && (cd ../livecart-before && pnpm install && pnpm exec turbo run build --filter @livecart/web)
 *   pnpm --filter @livecart/bench exec tsx web/product-page.ts [--baseline-web ../livecart-before/apps/web] [--runs N] [--duration S]
 *
 * Views rotate over 24 products (each page's data comes from the web's cache after its first view). Web
 * servers on core 0, autocannon on core 1; each round starts both webs afresh, warms them, then measures
 * them one after the other, the first rotating; the ratio is the median of per-round ratios.
 */
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureServices, findFreePort } from '@livecart/local-services';
import {
  clearRedisPrefix,
  createTestDatabase,
  migrateDatabase,
  processBaseEnv,
  requireBuilds,
  seedDatabase,
  startBuiltApp,
  startProcess,
  type RunningProcess,
} from '@livecart/local-services/testing';
import { load } from '../src/load/autocannon.js';
import { medianRatio, runInterleavedRounds, summarize, writeComparison } from '../src/compare/interleaved.js';
import { SERVER_CPUS } from '../src/runtime/paths.js';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '20' },
    'baseline-web': { type: 'string' },
  },
});
const runs = Number(args.runs);
const durationS = Number(args.duration);
const connections = Number(args.connections);
requireBuilds(['api', 'realtime', 'web']);

const PIN = { cpus: SERVER_CPUS };
const services = await ensureServices({ mode: 'test' });
const database = await createTestDatabase({ adminUrl: services.databaseUrl, prefix: 'livecart_bench', migrate: migrateDatabase });
const prefix = `bench-page:${process.pid}`;
const running: { stop(): Promise<unknown> }[] = [];

/** Another checkout's standalone web build, assembled as the image does (server + static assets). */
async function startBaselineWeb(webDir: string, env: Record<string, string>): Promise<{ url: string; process: RunningProcess; dispose(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'livecart-web-baseline-'));
  await cp(join(webDir, '.next/standalone'), dir, { recursive: true, verbatimSymlinks: true });
  await cp(join(webDir, '.next/static'), join(dir, 'apps/web/.next/static'), { recursive: true });
  const port = await findFreePort();
  const server = await startProcess({
    name: 'web-baseline',
    command: process.execPath,
    args: ['apps/web/server.js'],
    cwd: dir,
    env: { ...processBaseEnv(), ...env, HOSTNAME: '127.0.0.1', PORT: String(port), NEXT_TELEMETRY_DISABLED: '1' },
    readyUrl: `http://127.0.0.1:${port}/`,
    readyTimeoutMs: 60_000,
    pin: PIN,
  });
  return { url: `http://127.0.0.1:${port}`, process: server, dispose: () => rm(dir, { recursive: true, force: true }) };
}

try {
  await seedDatabase(database.url, 200);
  const common = { REDIS_URL: services.redisUrl, REDIS_PREFIX: prefix, LOG_LEVEL: 'warn' };
  const webPorts = [await findFreePort(), await findFreePort()];
  const origins = webPorts.map((port) => `http://127.0.0.1:${port}`);
  const api = await startBuiltApp('api', { env: { ...common, DATABASE_URL: database.url, RATE_LIMIT_ENABLED: 'false', CORS_ORIGINS: origins.join(',') } });
  const realtime = await startBuiltApp('realtime', { env: { ...common, ALLOWED_ORIGINS: origins.join(',') } });
  running.push(api, realtime);
  const list = (await (await fetch(`${api.url}/v1/products?limit=24&sort=newest`)).json()) as { items: { id: string }[] };
  const paths = list.items.map((item) => `/products/${item.id}`);
  const webEnv = (origin: string) => ({
    API_URL: api.url,
    NEXT_PUBLIC_REALTIME_URL: `${realtime.url.replace(/^http/, 'ws')}/ws`,
    REALTIME_SERVER_ORIGIN: origin,
  });

  type WebTarget = { name: string; url: string; pid: number; stop(): Promise<unknown> };
  const results = await runInterleavedRounds<WebTarget>({
    runs,
    durationS,
    unit: 'pages',
    async start() {
      const current = await startBuiltApp('web', { port: webPorts[0], pin: PIN, env: webEnv(origins[0] as string) });
      const targets: WebTarget[] = [{ name: 'web', url: current.url, pid: current.pid, stop: () => current.stop() }];
      if (args['baseline-web'] !== undefined) {
        const baseline = await startBaselineWeb(args['baseline-web'], webEnv(origins[1] as string));
        targets.push({ name: 'web-baseline', url: baseline.url, pid: baseline.process.pid, stop: async () => (await baseline.process.stop(), await baseline.dispose()) });
      }
      return targets;
    },
    measure: (target, seconds) => load({ url: target.url, connections, durationS: seconds, requests: { method: 'GET', headers: {}, paths, bodies: [] } }, target.pid),
    stop: async (targets) => void (await Promise.all(targets.map((target) => target.stop()))),
  });
  const pagesPerSecond = summarize(results);
  const webOverBaseline = args['baseline-web'] === undefined ? null : medianRatio(results, 'web', 'web-baseline');
  const file = writeComparison('product-page', { runs, durationS, connections, baseline: args['baseline-web'] ?? null, pagesPerSecond, webOverBaseline });
  console.log(JSON.stringify({ pagesPerSecond: Object.fromEntries(Object.entries(pagesPerSecond).map(([k, v]) => [k, v.median])), webOverBaseline }, null, 2));
  console.error(`written to ${file}`);
} finally {
  await Promise.allSettled(running.map((server) => server.stop()));
  await clearRedisPrefix(services.redisUrl, prefix).catch(() => {});
  await database.drop();
  await services.stop();
}
