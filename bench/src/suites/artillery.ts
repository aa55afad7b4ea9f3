import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { z } from 'zod';
import { row, type Chart, type Headline, type Row, type Size, type SuiteOutput } from '../report/schema.js';
import { BENCH, CLIENT_CPUS } from '../runtime/paths.js';
import { processUsageOf, sampleUsage, startGroup, type UsageSample } from '../runtime/processes.js';
import { round } from '../stats.js';
import type { Suite, SuiteContext } from './context.js';

const ARTILLERY = join(BENCH, 'node_modules/.bin/artillery');
const SCENARIOS = join(BENCH, 'scenarios');

interface Phase {
  name: string;
  duration: number;
  arrivalRate: number;
  rampTo?: number;
}

const phases = (warm: [number, number], ramp: [number, number, number], steady: [number, number]): Phase[] => [
  { name: 'warm-up', duration: warm[0], arrivalRate: warm[1] },
  { name: 'ramp', duration: ramp[0], arrivalRate: ramp[1], rampTo: ramp[2] },
  { name: 'steady', duration: steady[0], arrivalRate: steady[1] },
];

const Summary = z.object({ min: z.number(), max: z.number(), count: z.number(), p50: z.number(), p75: z.number(), p90: z.number(), p95: z.number(), p99: z.number(), p999: z.number() });
type Summary = z.infer<typeof Summary>;
const Period = z.object({
  period: z.union([z.number(), z.string()]),
  counters: z.record(z.string(), z.number()),
  rates: z.record(z.string(), z.number()).optional(),
  summaries: z.record(z.string(), Summary),
  firstMetricAt: z.number(),
  lastMetricAt: z.number(),
});
const ReportSchema = z.object({ aggregate: Period, intermediate: z.array(Period) });
type Report = z.infer<typeof ReportSchema>;

interface ArtilleryRun {
  report: Report;
  checks: { name: string; ok: boolean }[];
  exitCode: number | null;
  usage: UsageSample[];
  durationS: number;
}

/**
 * `artillery run <scenario>` on the client core with the targets in its environment (as against a
 * deployment) and smaller phases through `--overrides` for quick runs; the server under test (`pid`)
 * is sampled meanwhile. Its `ensure` verdicts are read from the "Checks:" lines it prints.
 */
async function runArtillery(
  ctx: SuiteContext,
  options: { scenario: string; env: Record<string, string>; overrides: Record<string, unknown> | null; serverPid: number | null; onSample?: () => void },
): Promise<ArtilleryRun> {
  const output = join(ctx.scratchDir, `artillery-${options.scenario.replace(/\.yml$/, '')}.json`);
  rmSync(output, { force: true });
  const checks: { name: string; ok: boolean }[] = [];
  const sampler = options.serverPid === null ? undefined : sampleUsage(() => [options.serverPid!], 1_000);
  const ticker = options.onSample === undefined ? undefined : setInterval(options.onSample, 1_000);
  const started = performance.now();
  const run = startGroup(
    `artillery ${options.scenario}`,
    ARTILLERY,
    ['run', join(SCENARIOS, options.scenario), '--output', output, ...(options.overrides === null ? [] : ['--overrides', JSON.stringify(options.overrides)])],
    {
      cwd: BENCH,
      cpus: CLIENT_CPUS,
      env: { ...process.env, ...options.env, ARTILLERY_DISABLE_TELEMETRY: 'true', NO_COLOR: '1', FORCE_COLOR: '0' },
      logFile: ctx.logFile,
      onLine: (line) => {
        const check = /^(ok|fail): (.+)$/.exec(line.trim());
        if (check !== null) checks.push({ name: check[2]!, ok: check[1] === 'ok' });
        if (/Phase (started|completed)|Elapsed time|^vusers\.(created|failed)/.test(line)) ctx.log(line.trim());
      },
    },
  );
  const { code } = await run.exited;
  const durationS = round((performance.now() - started) / 1000);
  clearInterval(ticker);
  const usage = sampler?.stop() ?? [];
  await run.stop();
  if (!existsSync(output)) throw new Error(`artillery wrote no report (exit ${code}):\n${run.tail()}`);
  return { report: ReportSchema.parse(JSON.parse(readFileSync(output, 'utf8'))), checks, exitCode: code, usage, durationS };
}

const BY_ENDPOINT = 'plugins.metrics-by-endpoint.';

/** Seconds the aggregate covers (first to last metric). */
const spanS = (period: Report['aggregate']) => Math.max(1, (period.lastMetricAt - period.firstMetricAt) / 1000);

const cdf = (s: Summary): [number, number][] =>
  (
    [
      [s.min, 0.1],
      [s.p50, 50],
      [s.p75, 75],
      [s.p90, 90],
      [s.p95, 95],
      [s.p99, 99],
      [s.p999, 99.9],
      [s.max, 100],
    ] as [number, number][]
  ).map(([ms, pct]) => [Math.max(ms, 0.1), pct]);

function countersMatching(counters: Record<string, number>, test: (name: string) => boolean): number {
  return Object.entries(counters).reduce((sum, [name, value]) => sum + (test(name) ? value : 0), 0);
}

const usageSummary = (usage: UsageSample[]) =>
  usage.length === 0
    ? { rssMb: null, cpuPercent: null }
    : { rssMb: Math.max(...usage.map((u) => u.rssMb)), cpuPercent: round(usage.reduce((sum, u) => sum + u.cpuPercent, 0) / usage.length) };

function throughputChart(id: string, title: string, report: Report, counter: string, unit: string): Chart {
  const first = Number(report.intermediate[0]?.period ?? 0);
  return {
    kind: 'line',
    id,
    title,
    xLabel: 'seconds',
    yLabel: unit,
    xLog: false,
    series: [
      {
        name: 'artillery',
        role: 'ours',
        points: report.intermediate.map((p): [number, number] => [(Number(p.period) - first) / 1000, round((p.counters[counter] ?? 0) / Math.max(1, (p.lastMetricAt - p.firstMetricAt) / 1000 || 10))]),
      },
    ],
  };
}

/** HTTP mixes: a row per named request plus all requests together, latency CDFs and req/s over time. */
function httpOutput(run: ArtilleryRun, endpoints: string[], label: string, overall: string): Omit<SuiteOutput, 'method' | 'raw'> {
  const { aggregate } = run.report;
  const seconds = spanS(aggregate);
  const all = aggregate.summaries['http.response_time'];
  const failedVusers = aggregate.counters['vusers.failed'] ?? 0;
  const rows: Row[] = [
    row({
      name: 'all',
      label: overall,
      role: 'ours',
      throughput: round((aggregate.counters['http.requests'] ?? 0) / seconds),
      p50Ms: all?.p50 ?? null,
      p95Ms: all?.p95 ?? null,
      p99Ms: all?.p99 ?? null,
      errors: failedVusers + countersMatching(aggregate.counters, (name) => /^http\.codes\.[45]/.test(name) || name.startsWith('errors.')),
      ...usageSummary(run.usage),
      extra: { requests: aggregate.counters['http.requests'] ?? 0, 'virtual users': aggregate.counters['vusers.created'] ?? 0, 'failed VUs': failedVusers },
    }),
    ...endpoints.map((endpoint) => {
      const summary = aggregate.summaries[`${BY_ENDPOINT}response_time.${endpoint}`];
      return row({
        name: endpoint,
        label: `${label} ${endpoint}`,
        role: 'ours',
        throughput: round((summary?.count ?? 0) / seconds),
        p50Ms: summary?.p50 ?? null,
        p95Ms: summary?.p95 ?? null,
        p99Ms: summary?.p99 ?? null,
        errors: countersMatching(aggregate.counters, (name) => name.startsWith(`${BY_ENDPOINT}${endpoint}.`) && !/\.codes\.2\d\d$/.test(name)),
        extra: { requests: summary?.count ?? 0 },
      });
    }),
  ];
  const created = aggregate.counters['vusers.created'] ?? 0;
  const headlines: Headline[] = [
    { name: 'p99', label: `${label} p99 (all requests)`, value: all?.p99 ?? null, unit: 'ms', perRun: [], target: null },
    { name: 'error-rate', label: `${label} failed virtual users`, value: created === 0 ? null : round((failedVusers / created) * 100, 2), unit: '%', perRun: [], target: { op: '<=', value: 1 } },
  ];
  const charts: Chart[] = [
    {
      kind: 'line',
      id: 'latency',
      title: `${label}: latency distribution per request`,
      xLabel: 'latency (ms, log)',
      yLabel: '% of requests ≤ x',
      xLog: true,
      series: endpoints.flatMap((endpoint) => {
        const summary = aggregate.summaries[`${BY_ENDPOINT}response_time.${endpoint}`];
        return summary === undefined ? [] : [{ name: endpoint, role: 'ours' as const, points: cdf(summary) }];
      }),
    },
    throughputChart('throughput', `${label}: requests per second over time (10 s buckets)`, run.report, 'http.requests', 'req/s'),
  ];
  return { rows, headlines, checks: run.checks, charts };
}

/** Artillery's payload path is joined to the scenario's folder, so it travels relative to it. */
const payloadPath = (csv: string) => relative(SCENARIOS, csv);

/** Names and chart ids made unique across the three Artillery suites (`read-p99`, `ws-latency`…). */
function finish(prefix: string, output: Omit<SuiteOutput, 'method' | 'raw'>, method: string, raw: unknown): SuiteOutput {
  return {
    ...output,
    headlines: output.headlines.map((h) => ({ ...h, name: `${prefix}-${h.name}` })),
    charts: output.charts.map((c) => ({ ...c, id: `${prefix}-${c.id}` })),
    method,
    raw,
  };
}

const READ_PHASES: Record<Size, Phase[] | null> = { tiny: phases([1, 5], [1, 5, 10], [1, 10]), quick: phases([2, 5], [3, 5, 20], [5, 20]), full: null };
const WRITE_PHASES: Record<Size, Phase[] | null> = { tiny: phases([1, 2], [1, 2, 4], [1, 4]), quick: phases([2, 2], [3, 2, 8], [5, 8]), full: null };
const WS_PHASES: Record<Size, { phases: Phase[]; holdSeconds: number } | null> = {
  tiny: { phases: phases([1, 5], [1, 5, 10], [1, 10]), holdSeconds: 1 },
  quick: { phases: phases([2, 10], [3, 10, 40], [5, 40]), holdSeconds: 4 },
  full: null,
};

const overridesOf = (config: Record<string, unknown> | null) => (config === null ? null : { config });

export const artilleryReadSuite: Suite = {
  name: 'artillery-read',
  summary: 'Artillery api-read-mix.yml: visits of product pages, filtered listings and search (warm-up, ramp, steady)',
  estimateS: { tiny: 10, quick: 18, full: 110 },
  builds: ['@livecart/api'],
  remoteTargets: ['api'],
  async run(ctx) {
    const api = await ctx.stack.api();
    const csv = await ctx.stack.productsCsv(join(ctx.scratchDir, 'products.csv'));
    const phasesFor = READ_PHASES[ctx.size];
    const run = await runArtillery(ctx, { scenario: 'api-read-mix.yml', env: { API_URL: api.url, PRODUCTS_CSV: payloadPath(csv) }, overrides: overridesOf(phasesFor && { phases: phasesFor }), serverPid: api.pid });
    return finish(
      'read',
      httpOutput(run, ['product-by-id', 'list-filtered', 'search'], 'read mix', 'read mix, all requests'),
      `bench/scenarios/api-read-mix.yml against ${api.pid === null ? api.url : 'the local API (core 0)'}; Artillery on core 1; each visit = 4 product GETs, 1 filtered listing, 1 search; a new connection per visit.`,
      { report: run.report.aggregate, exitCode: run.exitCode, durationS: run.durationS, usage: run.usage },
    );
  },
};

export const artilleryWriteSuite: Suite = {
  name: 'artillery-write',
  summary: 'Artillery api-write-mix.yml: admin price/stock PATCH, orders with Idempotency-Key and their retries',
  estimateS: { tiny: 10, quick: 16, full: 80 },
  builds: ['@livecart/api'],
  remoteTargets: ['api'],
  async run(ctx) {
    const api = await ctx.stack.api();
    const csv = await ctx.stack.productsCsv(join(ctx.scratchDir, 'products.csv'));
    const phasesFor = WRITE_PHASES[ctx.size];
    const run = await runArtillery(ctx, {
      scenario: 'api-write-mix.yml',
      env: { API_URL: api.url, API_KEY: api.apiKey, PRODUCTS_CSV: payloadPath(csv) },
      overrides: overridesOf(phasesFor && { phases: phasesFor }),
      serverPid: api.pid,
    });
    return finish(
      'write',
      httpOutput(run, ['patch-price', 'patch-stock', 'order', 'order-retry'], 'write mix', 'write mix, all requests'),
      `bench/scenarios/api-write-mix.yml against ${api.pid === null ? api.url : 'the local API (core 0)'}; Artillery on core 1; each virtual user: PATCH price, PATCH stock, POST order, retry it with the same Idempotency-Key.`,
      { report: run.report.aggregate, exitCode: run.exitCode, durationS: run.durationS, usage: run.usage },
    );
  },
};

async function openConnections(metricsUrl: string): Promise<number | null> {
  try {
    const text = await (await fetch(metricsUrl)).text();
    const match = /^realtime_connections(?:\{[^}]*\})? (\d+)/m.exec(text);
    return match === null ? null : Number(match[1]);
  } catch {
    return null;
  }
}

export const artilleryWsSuite: Suite = {
  name: 'artillery-ws',
  summary: 'Artillery realtime-connect.yml: WebSocket connect + subscribe ramp, connections held, server RSS per connection',
  estimateS: { tiny: 12, quick: 20, full: 120 },
  builds: ['@livecart/realtime'],
  remoteTargets: ['realtime'],
  async run(ctx) {
    const realtime = await ctx.stack.realtime();
    const csv = await ctx.stack.productsCsv(join(ctx.scratchDir, 'products.csv'));
    const sized = WS_PHASES[ctx.size];
    const pid = realtime.pid;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const idleRss = pid === null ? null : round(processUsageOf(pid).rssMb);
    const samples: Sample[] = [];
    const started = performance.now();
    const run = await runArtillery(ctx, {
      scenario: 'realtime-connect.yml',
      env: { REALTIME_URL: realtime.wsUrl, PRODUCTS_CSV: payloadPath(csv) },
      overrides: overridesOf(sized && { phases: sized.phases, variables: { holdSeconds: sized.holdSeconds } }),
      // bench/realtime starts this server without a process group of its own: it is sampled by pid below.
      serverPid: null,
      onSample: () => {
        const t = round((performance.now() - started) / 1000);
        const usage = pid === null ? null : processUsageOf(pid);
        void openConnections(`${realtime.httpUrl}/metrics`).then((open) => samples.push({ t, open, rssMb: usage?.rssMb ?? null, cpuSeconds: usage?.cpuSeconds ?? null }));
      },
    });
    samples.sort((a, b) => a.t - b.t);
    const connections = samples.flatMap((s) => (s.open === null ? [] : [{ t: s.t, open: s.open }]));
    // Memory per connection is read on the way up: once sockets close, V8 keeps the heap it grew.
    const peakAt = samples.reduce((best, s, i) => ((s.open ?? -1) > (samples[best]?.open ?? -1) ? i : best), 0);
    const rss = samples.slice(0, peakAt + 1).flatMap((s) => (s.open === null || s.rssMb === null ? [] : [{ open: s.open, rssMb: round(s.rssMb) }]));
    const { aggregate } = run.report;
    const created = aggregate.counters['vusers.created'] ?? 0;
    const failed = aggregate.counters['vusers.failed'] ?? 0;
    const subscribe = aggregate.summaries['livecart.subscribe_ms'];
    const connect = aggregate.summaries['livecart.connect_ms'];
    const peak = Math.max(0, ...connections.map((c) => c.open));
    const peakRss = rss.length === 0 ? null : Math.max(...rss.map((r) => r.rssMb));
    const withCpu = samples.filter((s) => s.cpuSeconds !== null);
    const cpuPercent = withCpu.length < 2 ? null : round(((withCpu.at(-1)!.cpuSeconds! - withCpu[0]!.cpuSeconds!) / (withCpu.at(-1)!.t - withCpu[0]!.t)) * 100);
    // Below a few hundred connections the growth is lost in the noise of the heap.
    const perThousand = peakRss === null || idleRss === null || peak < 500 ? null : round((peakRss - idleRss) / (peak / 1000), 2);
    const rows: Row[] = [
      row({
        name: 'connect',
        label: 'WebSocket connect (TCP + upgrade)',
        role: 'ours',
        throughput: round(created / spanS(aggregate)),
        throughputUnit: 'conn/s',
        p50Ms: connect?.p50 ?? null,
        p95Ms: connect?.p95 ?? null,
        p99Ms: connect?.p99 ?? null,
        errors: failed,
        rssMb: peakRss,
        cpuPercent,
        extra: { 'virtual users': created, 'peak open': peak, 'MB / 1k conn': perThousand },
      }),
      row({
        name: 'subscribe',
        label: 'subscribe → subscribed (3 topics)',
        role: 'ours',
        throughput: round((aggregate.counters['livecart.subscribed'] ?? 0) / spanS(aggregate)),
        throughputUnit: 'subs/s',
        p50Ms: subscribe?.p50 ?? null,
        p95Ms: subscribe?.p95 ?? null,
        p99Ms: subscribe?.p99 ?? null,
        errors: created - (aggregate.counters['livecart.subscribed'] ?? 0),
        extra: { subscribed: aggregate.counters['livecart.subscribed'] ?? 0, 'events received': aggregate.counters['livecart.events_received'] ?? 0 },
      }),
    ];
    const charts: Chart[] = [
      {
        kind: 'line',
        id: 'memory',
        title: 'Realtime server RSS while connections ramp up (Artillery)',
        xLabel: 'open connections',
        yLabel: 'RSS MB',
        xLog: false,
        series: [{ name: 'livecart realtime', role: 'ours', points: rss.map((r): [number, number] => [r.open, r.rssMb]) }],
      },
      {
        kind: 'line',
        id: 'connections',
        title: 'Open connections over time',
        xLabel: 'seconds',
        yLabel: 'connections',
        xLog: false,
        series: [{ name: 'open', role: 'ours', points: connections.map((c): [number, number] => [c.t, c.open]) }],
      },
      {
        kind: 'line',
        id: 'latency',
        title: 'Connect and subscribe latency distribution',
        xLabel: 'latency (ms, log)',
        yLabel: '% ≤ x',
        xLog: true,
        series: [
          ...(connect === undefined ? [] : [{ name: 'connect', role: 'ours' as const, points: cdf(connect) }]),
          ...(subscribe === undefined ? [] : [{ name: 'subscribe', role: 'baseline' as const, points: cdf(subscribe) }]),
        ],
      },
    ].filter((chart) => chart.series.every((s) => s.points.length > 0)) as Chart[];
    return finish(
      'ws',
      {
        rows,
        headlines: [
          { name: 'subscribe-p99', label: 'WebSocket subscribe p99 during the connect ramp', value: subscribe?.p99 ?? null, unit: 'ms', perRun: [], target: null },
          { name: 'connect-p99', label: 'WebSocket connect p99 during the ramp', value: connect?.p99 ?? null, unit: 'ms', perRun: [], target: null },
          { name: 'memory-per-1k', label: `realtime RSS per 1k held connections (Artillery, ${peak} peak, 3 topics each)`, value: perThousand, unit: 'MB', perRun: [], target: { op: '<=', value: 8 } },
          { name: 'error-rate', label: 'failed WebSocket virtual users', value: created === 0 ? null : round((failed / created) * 100, 2), unit: '%', perRun: [], target: { op: '<=', value: 1 } },
        ],
        checks: run.checks,
        charts,
      },
      `bench/scenarios/realtime-connect.yml against ${realtime.pid === null ? realtime.wsUrl : 'the local realtime server (core 0)'}; Artillery on core 1; open connections from the server's /metrics each second, RSS of its process.`,
      { report: aggregate, exitCode: run.exitCode, durationS: run.durationS, idleRssMb: idleRss, samples },
    );
  },
};

interface Sample {
  t: number;
  open: number | null;
  rssMb: number | null;
  cpuSeconds: number | null;
}
