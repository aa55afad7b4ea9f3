/**
 * GET /v1/products/:id against same-run baselines. Usage (after `pnpm --filter @livecart/api build`):
 *   pnpm --filter @livecart/bench exec tsx api/product-get.ts [--quick] [--runs N] [--duration S] [--connections C] [--baseline-api DIR]
 *
 * --baseline-api DIR: also load another build of the api (DIR is its apps/api folder, built, e.g. of an
 * earlier commit checked out with `git worktree add`) as the target `api-baseline`, in the same rounds, on
 * the same database: a before/after comparison measured in one run.
 * Servers run pinned to core 0 and autocannon (its own process) to core 1 when taskset exists.
 * Each of N rounds starts every target afresh, warms each, then measures them one after the other;
 * medians over rounds are reported and written to bench/results/.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ensureServices, findFreePort } from '@livecart/local-services';
import {
  CAN_PIN,
  clearRedisPrefix,
  createTestDatabase,
  migrateDatabase,
  processBaseEnv,
  REALTIME_TOKEN_KEYS_OF_RUN,
  requireBuilds,
  seedDatabase,
  startBuiltApp,
  startProcess,
  type RunningProcess,
} from '@livecart/local-services/testing';
import { LOAD_NODE } from '../src/runtime/paths.js';
import { median, round } from '../src/stats.js';
import { Redis } from 'ioredis';
import pg from 'pg';

const BENCH_DIR = fileURLToPath(new URL('..', import.meta.url));
const RESULTS_DIR = fileURLToPath(new URL('../results', import.meta.url));
// Its script run by LOAD_NODE (not the .bin shim, which takes whatever node is first on PATH).
const AUTOCANNON = join(dirname(createRequire(import.meta.url).resolve('autocannon/package.json')), 'autocannon.js');
const HAS_TASKSET = CAN_PIN;
// This process drains the servers' log pipes: it stays on the load generator's core.
if (HAS_TASKSET) spawnSync('taskset', ['-p', '-c', '1', String(process.pid)], { stdio: 'ignore' });

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    runs: { type: 'string' },
    duration: { type: 'string' },
    connections: { type: 'string', default: '100' },
    'baseline-api': { type: 'string' },
  },
});
const runs = Number(args.runs ?? (args.quick ? 1 : 3));
const duration = Number(args.duration ?? (args.quick ? 3 : 10));
const connections = Number(args.connections);
const warmUp = Math.min(5, duration);
/** Cold starts measured with the compile cache (and as many without it): enough for a median on a shared machine. */
const COLD_STARTS = args.quick ? 3 : 7;

interface Target {
  name: string;
  url: string;
  process: RunningProcess;
}

interface RunResult {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  /** Server CPU (user + system, all threads) over the measured window, per request answered. */
  cpuUsPerRequest: number;
  maxRssMb?: number;
}

const pinned = (core: number, command: string, commandArgs: string[]) =>
  HAS_TASKSET ? { command: 'taskset', args: ['-c', String(core), command, ...commandArgs] } : { command, args: commandArgs };

/** Servers under test run on core 0, the load generator on core 1. */
const SERVER_PIN = { cpus: '0' };

/**
 * A baseline server (a script of this package run through tsx), ready once `readyPath` answers. Its
 * logs go to a pipe that this process drains, as under a container runtime (to /dev/null, the naive
 * baseline's per-request logging would cost it unrealistically little).
 */
function startBaseline(name: string, script: string, port: number, env: Record<string, string>, readyPath: string): Promise<RunningProcess> {
  return startProcess({
    name,
    command: process.execPath,
    args: ['--import', 'tsx', script],
    cwd: BENCH_DIR,
    env: { ...processBaseEnv(), ...env, PORT: String(port) },
    readyUrl: `http://127.0.0.1:${port}${readyPath}`,
    readyTimeoutMs: 20_000,
    readyIntervalMs: 5,
    pin: SERVER_PIN,
  });
}

/** CPU time the process's main thread has used so far (schedstat's first field, in nanoseconds). */
function mainThreadCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/task/${pid}/schedstat`, 'utf8').trim().split(' ');
  return Math.round(Number(fields[0]) / 1e6);
}

// /proc/<pid>/stat counts CPU time in clock ticks (USER_HZ).
const CLOCK_TICKS_PER_SECOND = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/** CPU time the whole process has used so far, in microseconds: utime + stime of /proc/<pid>/stat. */
function processCpuUs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces: count fields from after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1e6) / CLOCK_TICKS_PER_SECOND;
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

/** Loads `url` for `seconds`; `pid` is the server's, whose CPU is measured (and its RSS sampled with `sampleRss`). */
function load(url: string, seconds: number, pid: number, sampleRss = false): Promise<RunResult> {
  const { command, args: commandArgs } = pinned(1, LOAD_NODE, [AUTOCANNON, '-c', String(connections), '-d', String(seconds), '-j', url]);
  return new Promise((resolve, reject) => {
    let maxRss = 0;
    const sampler = sampleRss ? setInterval(() => (maxRss = Math.max(maxRss, rssMb(pid))), 250) : undefined;
    const cpuBefore = processCpuUs(pid);
    const child = spawn(command, commandArgs, { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('exit', () => {
      clearInterval(sampler);
      const cpuUs = processCpuUs(pid) - cpuBefore;
      try {
        const json = JSON.parse(out) as {
          requests: { average: number; total: number };
          latency: { p50: number; p99: number };
          errors: number;
          non2xx: number;
        };
        resolve({
          requestsPerSecond: json.requests.average,
          p50: json.latency.p50,
          p99: json.latency.p99,
          errors: json.errors,
          non2xx: json.non2xx,
          cpuUsPerRequest: Math.round((cpuUs / Math.max(1, json.requests.total)) * 100) / 100,
          ...(sampleRss ? { maxRssMb: Math.round(maxRss * 10) / 10 } : {}),
        });
      } catch (error) {
        reject(new Error(`autocannon output unreadable: ${String(error)}`));
      }
    });
  });
}

const targets: Target[] = [];

const BASELINE_API_DIR = args['baseline-api'];
if (BASELINE_API_DIR !== undefined && !existsSync(`${BASELINE_API_DIR}/dist/server.js`)) {
  console.error(`--baseline-api: ${BASELINE_API_DIR}/dist/server.js is missing (build that checkout's api first)`);
  process.exit(2);
}
const TARGET_NAMES = ['api', 'api-route', ...(BASELINE_API_DIR === undefined ? [] : ['api-baseline']), 'hello-fastify', 'bare-node', 'naive'];

/** Stops every running target (the api's two targets share one process) and waits for each to exit. */
async function stopTargets(): Promise<void> {
  await Promise.all([...new Set(targets.splice(0).map((target) => target.process))].map((server) => server.stop()));
}

requireBuilds(['api']);

// The machine is shared: the load around the run says how far its absolute figures can be trusted.
const loadAtStart = loadavg().map((value) => Math.round(value * 100) / 100);
const services = await ensureServices({ mode: 'test' });
const database = await createTestDatabase({ adminUrl: services.databaseUrl, prefix: 'livecart_bench', migrate: migrateDatabase });
const prefix = `bench:${process.pid}`;
try {
  await seedDatabase(database.url, 5000);
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  const { rows } = await client.query<{ id: string }>("SELECT id FROM products WHERE sku = 'AUD-000001'");
  await client.end();
  const productId = rows[0]?.id as string;

  const apiEnv: Record<string, string> = {
    LOG_LEVEL: 'info',
    DATABASE_URL: database.url,
    REDIS_URL: services.redisUrl,
    REDIS_PREFIX: prefix,
    RATE_LIMIT_ENABLED: 'true',
    RATE_LIMIT_READ_MAX: '1000000000',
    RATE_LIMIT_ALLOW_LIST: '',
  };

  // Cold start: spawn to the first 200 on /ready (migrations excluded: the schema is already there).
  // Runs with Node's compile cache alternate with runs without it (NODE_DISABLE_COMPILE_CACHE), so the
  // cache's gain is measured in the same minutes; the main thread's CPU time to ready is reported too,
  // as it holds up better than wall time when the machine is shared.
  const coldStarts: number[] = [];
  const coldStartsCpu: number[] = [];
  const coldStartsNoCache: number[] = [];
  for (let i = 0; i < 2 * COLD_STARTS; i++) {
    const withCache = i % 2 === 0;
    const port = await findFreePort();
    const started = performance.now();
    const api = await startBuiltApp('api', { port, pin: SERVER_PIN, readyIntervalMs: 5, env: { ...apiEnv, ...(withCache ? {} : { NODE_DISABLE_COMPILE_CACHE: '1' }) } });
    const wall = Math.round(performance.now() - started);
    if (withCache) {
      coldStarts.push(wall);
      coldStartsCpu.push(mainThreadCpuMs(api.pid));
    } else {
      coldStartsNoCache.push(wall);
    }
    await api.stop();
  }

  const naivePrefix = `${prefix}:naive`;
  // Every round starts its own processes: one process can run a few percent (for hello-world up to a
  // third) faster or slower than the next for its whole life, so medians over rounds must sample that.
  let naiveSeeded = false;
  const startTargets = async (): Promise<void> => {
    const ports = await Promise.all([findFreePort(), findFreePort(), findFreePort(), findFreePort()]);
    const [helloPort, nodePort, naivePort, apiPort] = ports as [number, number, number, number];
    const api = await startBuiltApp('api', { port: apiPort, pin: SERVER_PIN, env: apiEnv });
    targets.push({ name: 'api', url: `http://127.0.0.1:${apiPort}/v1/products/${productId}`, process: api });
    // The same read through the Fastify route: the product-read lane takes only the bare path, so an
    // empty query string passes it by (the route ignores it).
    targets.push({ name: 'api-route', url: `http://127.0.0.1:${apiPort}/v1/products/${productId}?`, process: api });
    if (BASELINE_API_DIR !== undefined) {
      const baselinePort = await findFreePort();
      const baseline = await startProcess({
        name: 'api-baseline',
        command: process.execPath,
        args: ['dist/server.js'],
        cwd: BASELINE_API_DIR,
        env: { ...processBaseEnv(), NODE_ENV: 'production', LOG_LEVEL: 'warn', SESSION_SECRET: randomBytes(32).toString('base64url'), REALTIME_TOKEN_KEYS: REALTIME_TOKEN_KEYS_OF_RUN, ...apiEnv, HOST: '127.0.0.1', PORT: String(baselinePort) },
        readyUrl: `http://127.0.0.1:${baselinePort}/ready`,
        readyTimeoutMs: 30_000,
        pin: SERVER_PIN,
      });
      targets.push({ name: 'api-baseline', url: `http://127.0.0.1:${baselinePort}/v1/products/${productId}`, process: baseline });
    }
    targets.push({ name: 'hello-fastify', url: `http://127.0.0.1:${helloPort}/`, process: await startBaseline('hello-fastify', 'api/servers/hello-fastify.ts', helloPort, {}, '/') });
    targets.push({ name: 'bare-node', url: `http://127.0.0.1:${nodePort}/`, process: await startBaseline('bare-node', 'api/servers/bare-node.ts', nodePort, {}, '/') });
    if (!naiveSeeded) {
      // The naive route serves the api's own bytes for the product from Redis.
      const response = await fetch(targets[0]?.url as string);
      if (response.status !== 200) throw new Error(`the api answered ${response.status} for the product`);
      const productJson = await response.text();
      const redis = new Redis(services.redisUrl);
      await redis.set(`${naivePrefix}:${productId}`, productJson);
      await redis.quit();
      naiveSeeded = true;
    }
    const naiveEnv = { REDIS_URL: services.redisUrl, NAIVE_PREFIX: naivePrefix };
    const naive = await startBaseline('naive', 'api/servers/naive-product.ts', naivePort, naiveEnv, `/products/${productId}`);
    targets.push({ name: 'naive', url: `http://127.0.0.1:${naivePort}/products/${productId}`, process: naive });
    // JIT warm-up, one target at a time (they share core 0).
    for (const target of targets) await load(target.url, warmUp, target.process.pid);
  };

  const results = new Map<string, RunResult[]>(TARGET_NAMES.map((name) => [name, []]));
  for (let round = 1; round <= runs; round++) {
    await startTargets();
    // Each round starts at another target, so that no target is always the first loaded after warm-up.
    const shift = (round - 1) % targets.length;
    for (const target of [...targets.slice(shift), ...targets.slice(0, shift)]) {
      const result = await load(target.url, duration, target.process.pid, target.name === 'api');
      results.get(target.name)?.push(result);
      console.error(`round ${round}/${runs} ${target.name.padEnd(14)} ${Math.round(result.requestsPerSecond)} req/s p50 ${result.p50} ms p99 ${result.p99} ms ${result.cpuUsPerRequest} µs CPU/req${result.errors + result.non2xx > 0 ? ` (${result.errors} errors, ${result.non2xx} non-2xx)` : ''}`);
    }
    await stopTargets();
  }

  const summary = Object.fromEntries(
    [...results].map(([name, list]) => [
      name,
      {
        requestsPerSecond: Math.round(median(list.map((r) => r.requestsPerSecond))),
        p50: round(median(list.map((r) => r.p50)), 2),
        p99: round(median(list.map((r) => r.p99)), 2),
        cpuUsPerRequest: round(median(list.map((r) => r.cpuUsPerRequest)), 2),
        runs: list,
      },
    ]),
  );
  const rps = (name: string) => (summary[name] as { requestsPerSecond: number }).requestsPerSecond;
  const apiRuns = results.get('api') ?? [];
  // Rounds are interleaved, so each round's ratio compares neighbours in time: on a noisy machine the
  // median of these paired ratios is steadier than the ratio of the medians.
  const perRoundOf = (target: string, name: string) =>
    (results.get(target) ?? []).map((run, i) => Math.round((run.requestsPerSecond / (results.get(name)?.[i]?.requestsPerSecond ?? 1)) * 100) / 100);
  const perRound = (name: string) => perRoundOf('api', name);
  // Server CPU per request over hello-world's in the same round (lower is better): a target for `api`,
  // shown for the route too.
  const cpuPerRound = (name: string) =>
    (results.get(name) ?? []).map((run, i) => Math.round((run.cpuUsPerRequest / (results.get('hello-fastify')?.[i]?.cpuUsPerRequest ?? 1)) * 100) / 100);
  const report = {
    date: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      node: process.version,
      taskset: HAS_TASKSET,
      loadAverage: { start: loadAtStart, end: loadavg().map((value) => Math.round(value * 100) / 100) },
    },
    settings: { runs, durationSeconds: duration, connections },
    summary,
    ratios: {
      apiOverHello: round(median(perRound('hello-fastify')), 2),
      apiOverHelloPerRound: perRound('hello-fastify'),
      apiOverHelloOfMedians: Math.round((rps('api') / rps('hello-fastify')) * 100) / 100,
      // A hello-world process can run a third slower for its whole life: against the fastest round, a
      // slow baseline cannot flatter the api.
      apiOverHelloBest: Math.round((rps('api') / Math.max(...(results.get('hello-fastify') ?? []).map((run) => run.requestsPerSecond))) * 100) / 100,
      apiOverNaive: round(median(perRound('naive')), 2),
      apiOverNaivePerRound: perRound('naive'),
      apiOverNaiveOfMedians: Math.round((rps('api') / rps('naive')) * 100) / 100,
      apiCpuOverHello: round(median(cpuPerRound('api')), 2),
      apiCpuOverHelloPerRound: cpuPerRound('api'),
      routeCpuOverHello: round(median(cpuPerRound('api-route')), 2),
      routeCpuOverHelloPerRound: cpuPerRound('api-route'),
      // With --baseline-api: the same figures for the other build, measured in the same rounds.
      ...(BASELINE_API_DIR === undefined
        ? {}
        : {
            baselineOverHello: round(median(perRoundOf('api-baseline', 'hello-fastify')), 2),
            baselineOverHelloPerRound: perRoundOf('api-baseline', 'hello-fastify'),
            baselineCpuOverHello: round(median(cpuPerRound('api-baseline')), 2),
            baselineCpuOverHelloPerRound: cpuPerRound('api-baseline'),
            apiOverBaseline: round(median(perRound('api-baseline')), 2),
            apiOverBaselinePerRound: perRound('api-baseline'),
          }),
    },
    api: {
      maxRssMbUnderLoad: Math.max(...apiRuns.map((run) => run.maxRssMb ?? 0)),
      coldStartMs: median(coldStarts),
      coldStartRunsMs: coldStarts,
      coldStartCpuMs: median(coldStartsCpu),
      coldStartNoCacheMs: median(coldStartsNoCache),
      coldStartNoCacheRunsMs: coldStartsNoCache,
    },
    targets: { apiOverHello: 0.85, apiOverNaive: 1.8, apiCpuOverHello: 1.2, apiP99Ms: 15, rssMb: 150, coldStartMs: 400 },
  };

  const mark = (ok: boolean) => (ok ? 'ok' : 'MISSED');
  console.log('\ntarget          req/s (median)   p50 ms   p99 ms   CPU µs/req');
  for (const [name, entry] of Object.entries(summary)) {
    console.log(`${name.padEnd(16)}${String(entry.requestsPerSecond).padStart(14)}${String(entry.p50).padStart(9)}${String(entry.p99).padStart(9)}${String(entry.cpuUsPerRequest).padStart(13)}`);
  }
  console.log(`\napi / hello-fastify  ${report.ratios.apiOverHello}  (median of per-round ${report.ratios.apiOverHelloPerRound.join(', ')}; of medians ${report.ratios.apiOverHelloOfMedians})  target ≥ 0.85  ${mark(report.ratios.apiOverHello >= 0.85)}`);
  console.log(`  against the fastest hello-fastify round  ${report.ratios.apiOverHelloBest}  ${mark(report.ratios.apiOverHelloBest >= 0.85)}`);
  console.log(`api / naive          ${report.ratios.apiOverNaive}  (median of per-round ${report.ratios.apiOverNaivePerRound.join(', ')}; of medians ${report.ratios.apiOverNaiveOfMedians})  target ≥ 1.8   ${mark(report.ratios.apiOverNaive >= 1.8)}`);
  console.log(`api CPU/req / hello  ${report.ratios.apiCpuOverHello}  (median of per-round ${report.ratios.apiCpuOverHelloPerRound.join(', ')})  target ≤ 1.2   ${mark(report.ratios.apiCpuOverHello <= 1.2)}`);
  console.log(`  the route (lane passed by)  ${report.ratios.routeCpuOverHello}  (per round ${report.ratios.routeCpuOverHelloPerRound.join(', ')})`);
  if (BASELINE_API_DIR !== undefined) {
    const r = report.ratios as Record<string, number | number[]>;
    const list = (key: string) => (r[key] as number[]).join(', ');
    console.log(`api / api-baseline   ${String(r.apiOverBaseline)}  (per round ${list('apiOverBaselinePerRound')})`);
    console.log(`  api-baseline / hello-fastify ${String(r.baselineOverHello)} (per round ${list('baselineOverHelloPerRound')}); CPU/req / hello ${String(r.baselineCpuOverHello)} (per round ${list('baselineCpuOverHelloPerRound')})`);
  }
  console.log(`api p99              ${summary.api?.p99} ms  target ≤ 15 ms  ${mark((summary.api?.p99 ?? Infinity) <= 15)}`);
  console.log(`api RSS under load   ${report.api.maxRssMbUnderLoad} MB  target ≤ 150 MB  ${mark(report.api.maxRssMbUnderLoad <= 150)}`);
  console.log(`api cold start       ${report.api.coldStartMs} ms (${coldStarts.join(', ')})  target ≤ 400 ms  ${mark(report.api.coldStartMs <= 400)}`);
  console.log(`  main thread CPU ${report.api.coldStartCpuMs} ms; without the compile cache ${report.api.coldStartNoCacheMs} ms (${coldStartsNoCache.join(', ')})`);
  console.log(`load average (1/5/15 min) at start ${report.machine.loadAverage.start.join(' ')}, at end ${report.machine.loadAverage.end.join(' ')} (${report.machine.cpus} cores)`);

  const dir = args.quick ? `${RESULTS_DIR}/tmp` : RESULTS_DIR;
  mkdirSync(dir, { recursive: true });
  // bench/src/suites/api.ts writes <date>-api.json: this harness keeps a name of its own.
  const file = `${dir}/${report.date.slice(0, 10)}-api-product-get.json`;
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\nwritten to ${file}`);
} finally {
  await stopTargets();
  await clearRedisPrefix(services.redisUrl, prefix);
  await database.drop();
  await services.stop();
}
