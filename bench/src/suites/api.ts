import type { Services } from '@livecart/local-services';
import { clearRedisPrefix } from '@livecart/local-services/testing';
import pg from 'pg';
import { z } from 'zod';
import { row, type Headline, type Row } from '../report/schema.js';
import { onCleanup } from '../runtime/processes.js';
import { median, round } from '../stats.js';
import type { Suite } from './context.js';
import { runHarness } from './harness-output.js';

/** The fields of bench/api/product-get.ts's JSON this suite reads (it may carry more). */
const RunSchema = z.object({
  requestsPerSecond: z.number(),
  p50: z.number(),
  p99: z.number(),
  errors: z.number(),
  non2xx: z.number(),
  cpuUsPerRequest: z.number(),
  maxRssMb: z.number().optional(),
});
const ProductGetSchema = z.object({
  date: z.string(),
  settings: z.object({ runs: z.number(), durationSeconds: z.number(), connections: z.number() }),
  summary: z.record(z.string(), z.object({ requestsPerSecond: z.number(), p50: z.number(), p99: z.number(), cpuUsPerRequest: z.number(), runs: z.array(RunSchema) })),
  ratios: z.object({
    apiOverHello: z.number(),
    apiOverHelloPerRound: z.array(z.number()),
    apiOverNaive: z.number(),
    apiOverNaivePerRound: z.array(z.number()),
    apiCpuOverHello: z.number(),
    apiCpuOverHelloPerRound: z.array(z.number()),
    routeCpuOverHello: z.number(),
    routeCpuOverHelloPerRound: z.array(z.number()),
  }),
  api: z.object({
    maxRssMbUnderLoad: z.number(),
    coldStartMs: z.number(),
    coldStartRunsMs: z.array(z.number()),
    coldStartCpuMs: z.number(),
    coldStartNoCacheMs: z.number(),
    coldStartNoCacheRunsMs: z.array(z.number()),
  }),
});

/** Server CPU (user + system, from /proc/<pid>/stat) over the measured window ÷ requests answered. */
const CPU_COLUMN = 'server CPU µs/req';

const LABELS: Record<string, [string, 'ours' | 'baseline']> = {
  api: ['livecart API — GET /v1/products/:id', 'ours'],
  'api-route': ['livecart API — the same read through the Fastify route (read lane passed by)', 'ours'],
  'hello-fastify': ['bare Fastify + response schema (ceiling)', 'baseline'],
  'bare-node': ['bare node:http', 'baseline'],
  naive: ['naive route: Redis GET + JSON.parse/stringify + log line', 'baseline'],
};

/** Drops what bench/api/product-get.ts run as `pid` left: databases `livecart_bench_<pid>_*`, keys `bench:<pid>:*`. */
async function dropHarnessLeftovers(services: Services, pid: number): Promise<void> {
  const client = new pg.Client({ connectionString: services.databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname LIKE $1', [`livecart\\_bench\\_${pid}\\_%`]);
    for (const { datname } of rows) await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
  await clearRedisPrefix(services.redisUrl, `bench:${pid}:`);
}

/**
 * The median of the per-round ratios: each round loads the targets back to back, so a round's ratio
 * compares like with like on a machine whose speed drifts between rounds.
 */
const pairedRatio = (perRound: number[], overall: number) => (perRound.length === 0 ? overall : round(median(perRound), 2));

export const apiSuite: Suite = {
  name: 'api',
  summary: 'product GET vs bare Fastify, node:http and a naive route (bench/api/product-get.ts, autocannon -c100)',
  estimateS: { tiny: 20, quick: 25, full: 170 },
  builds: ['@livecart/api'],
  remoteTargets: null,
  async run(ctx) {
    const services = await ctx.stack.localServices();
    // product-get.ts has no signal handler: stopped mid-run (Ctrl-C), it cannot drop its database or
    // Redis keys, both named after its pid. This hook does, and is withdrawn once it has finished.
    let harnessPid: number | undefined;
    const withdraw = onCleanup('api harness leftovers', async () => {
      if (harnessPid !== undefined) await dropHarnessLeftovers(services, harnessPid);
    });
    const args = ctx.size === 'full' ? [] : ['--quick', '--duration', ctx.size === 'tiny' ? '1' : '2'];
    const raw = await runHarness(ctx, 'api/product-get.ts', args, '-api', {
      // Its own ensureServices() then uses these instead of looking again (and leaves them running).
      env: { DATABASE_URL: services.databaseUrl, REDIS_URL: services.redisUrl },
      onStart: (pid) => (harnessPid = pid),
    });
    withdraw();
    const result = ProductGetSchema.parse(raw);
    const rows: Row[] = Object.entries(result.summary).map(([name, entry]) => {
      const [label, role] = LABELS[name] ?? [name, 'baseline'];
      return row({
        name,
        label,
        role,
        throughput: entry.requestsPerSecond,
        p50Ms: entry.p50,
        p99Ms: entry.p99,
        errors: entry.runs.reduce((sum, run) => sum + run.errors + run.non2xx, 0),
        rssMb: name === 'api' ? result.api.maxRssMbUnderLoad : null,
        runs: entry.runs.length,
        extra: { [CPU_COLUMN]: entry.cpuUsPerRequest },
      });
    });
    const apiP99 = result.summary.api?.p99 ?? null;
    const headlines: Headline[] = [
      { name: 'api-over-hello', label: 'product GET / bare Fastify hello-world (req/s)', value: pairedRatio(result.ratios.apiOverHelloPerRound, result.ratios.apiOverHello), unit: '×', perRun: result.ratios.apiOverHelloPerRound, target: { op: '>=', value: 0.85 } },
      { name: 'api-over-naive', label: 'product GET / naive route (req/s)', value: pairedRatio(result.ratios.apiOverNaivePerRound, result.ratios.apiOverNaive), unit: '×', perRun: result.ratios.apiOverNaivePerRound, target: { op: '>=', value: 1.8 } },
      { name: 'api-cpu-over-hello', label: 'product GET server CPU per request / hello-world\'s', value: result.ratios.apiCpuOverHello, unit: '×', perRun: result.ratios.apiCpuOverHelloPerRound, target: { op: '<=', value: 1.2 } },
      { name: 'route-cpu-over-hello', label: 'the same read through the Fastify route: server CPU per request / hello-world\'s', value: result.ratios.routeCpuOverHello, unit: '×', perRun: result.ratios.routeCpuOverHelloPerRound, target: null },
      { name: 'api-p99', label: 'product GET p99 at 100 connections', value: apiP99, unit: 'ms', perRun: result.summary.api?.runs.map((r) => r.p99) ?? [], target: { op: '<=', value: 15 } },
      { name: 'api-rss', label: 'API RSS under load (max)', value: result.api.maxRssMbUnderLoad, unit: 'MB', perRun: result.summary.api?.runs.map((r) => r.maxRssMb ?? null) ?? [], target: { op: '<=', value: 150 } },
      { name: 'api-cold-start', label: 'API cold start to /ready', value: result.api.coldStartMs, unit: 'ms', perRun: result.api.coldStartRunsMs, target: { op: '<=', value: 400 } },
      { name: 'api-cold-start-cpu', label: 'API cold start: main thread CPU to /ready', value: result.api.coldStartCpuMs, unit: 'ms', perRun: [], target: null },
      { name: 'api-cold-start-no-cache', label: 'API cold start without the compile cache (same run)', value: result.api.coldStartNoCacheMs, unit: 'ms', perRun: result.api.coldStartNoCacheRunsMs, target: null },
    ];
    const order = ['hello-fastify', 'bare-node', 'api', 'api-route', 'naive'];
    const sorted = [...rows].sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
    return {
      method: `bench/api/product-get.ts: ${result.settings.runs} round(s), each starting every target afresh, of ${result.settings.durationSeconds} s per target, autocannon -c${result.settings.connections} pinned to core 1, servers on core 0; medians over rounds. ${CPU_COLUMN}: the server's utime + stime (/proc/<pid>/stat) over each measured window ÷ the requests answered in it.`,
      rows: sorted,
      headlines,
      checks: [],
      charts: [
        {
          kind: 'bar',
          id: 'api-throughput',
          title: `Product GET vs baselines — req/s (median of ${result.settings.runs})`,
          unit: 'req/s',
          bars: sorted.map((r) => ({ label: r.name, value: r.throughput ?? 0, role: r.role })),
          reference: null,
        },
        {
          kind: 'bar',
          id: 'api-p99',
          title: 'Product GET vs baselines — p99 latency',
          unit: 'ms',
          bars: sorted.map((r) => ({ label: r.name, value: r.p99Ms ?? 0, role: r.role })),
          reference: { label: 'target 15 ms', value: 15 },
        },
      ],
      raw,
    };
  },
};
