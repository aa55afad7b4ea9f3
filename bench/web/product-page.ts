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
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
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
import { RESULTS, SERVER_CPUS } from '../src/runtime/paths.js';
import { median, round } from '../src/stats.js';

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

  const results = new Map<string, number[]>();
  for (let roundNo = 1; roundNo <= runs; roundNo++) {
    const targets: { name: string; url: string; pid: number; stop(): Promise<unknown> }[] = [];
    const current = await startBuiltApp('web', { port: webPorts[0], pin: PIN, env: webEnv(origins[0] as string) });
    targets.push({ name: 'web', url: current.url, pid: current.pid, stop: () => current.stop() });
    if (args['baseline-web'] !== undefined) {
      const baseline = await startBaselineWeb(args['baseline-web'], webEnv(origins[1] as string));
      targets.push({ name: 'web-baseline', url: baseline.url, pid: baseline.process.pid, stop: async () => (await baseline.process.stop(), await baseline.dispose()) });
    }
    const run = (target: (typeof targets)[number], seconds: number) =>
      load({ url: target.url, connections, durationS: seconds, requests: { method: 'GET', headers: {}, paths, bodies: [] } }, target.pid);
    for (const target of targets) await run(target, Math.min(5, durationS));
    const shift = (roundNo - 1) % targets.length;
    for (const target of [...targets.slice(shift), ...targets.slice(0, shift)]) {
      const result = await run(target, durationS);
      if (result.errors + result.non2xx > 0) throw new Error(`${target.name}: ${result.errors} errors, ${result.non2xx} non-2xx answers`);
      results.set(target.name, [...(results.get(target.name) ?? []), result.requestsPerSecond]);
      console.error(`round ${roundNo}/${runs} ${target.name.padEnd(12)} ${Math.round(result.requestsPerSecond)} pages/s p50 ${result.latencyMs.p50} ms p99 ${result.latencyMs.p99} ms`);
    }
    await Promise.all(targets.map((target) => target.stop()));
  }

  const perRound = (name: string, base: string) => (results.get(name) ?? []).map((rps, i) => rps / (results.get(base)?.[i] ?? Number.NaN));
  const summary = {
    date: new Date().toISOString(),
    node: process.version,
    loadavg: loadavg().map((value) => round(value, 2)),
    runs,
    durationS,
    connections,
    baseline: args['baseline-web'] ?? null,
    pagesPerSecond: Object.fromEntries([...results].map(([name, list]) => [name, { median: Math.round(median(list)), runs: list.map(Math.round) }])),
    webOverBaseline: args['baseline-web'] === undefined ? null : round(median(perRound('web', 'web-baseline')), 3),
  };
  mkdirSync(RESULTS, { recursive: true });
  const file = join(RESULTS, `${summary.date.slice(0, 10)}-product-page.json`);
  writeFileSync(file, `${JSON.stringify(summary, null, 2)}\n`);
  console.log(JSON.stringify({ pagesPerSecond: Object.fromEntries(Object.entries(summary.pagesPerSecond).map(([k, v]) => [k, v.median])), webOverBaseline: summary.webOverBaseline }, null, 2));
  console.error(`written to ${file}`);
} finally {
  await Promise.allSettled(running.map((server) => server.stop()));
  await clearRedisPrefix(services.redisUrl, prefix).catch(() => {});
  await database.drop();
  await services.stop();
}
