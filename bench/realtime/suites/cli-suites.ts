import { z } from 'zod';
import { row, type Chart, type Headline, type Row, type SuiteName, type SuiteOutput } from '../../src/report/schema.js';
import { ratio } from '../../src/stats.js';
import type { Suite, SuiteContext } from '../../src/suites/context.js';
import { runHarness } from '../../src/suites/harness-output.js';

/**
 * The four broadcaster suites as `pnpm bench` runs and reports them: one invocation of
 * bench/realtime/run.ts serves them all, and each reads its part back from the JSON it writes. Only the
 * fields used here are required: the harness may add servers and figures.
 */
const RunSchema = z.object({ date: z.string(), mode: z.string(), servers: z.record(z.string(), z.string()), results: z.record(z.string(), z.unknown()) });

const Density = z.array(
  z.object({ server: z.string(), connections: z.number(), rssIdleMb: z.number(), rssSettledMb: z.number(), mbPer1kConnections: z.number(), mbPer1kConnectionsAt3s: z.number(), connectSeconds: z.number() }),
);
const Hot = z.array(z.object({ server: z.string(), subscribers: z.number(), events: z.number(), lastReceiveMs: z.array(z.number().nullable()), medianMs: z.number().nullable() }));
const Churn = z.array(
  z.object({
    server: z.string(),
    clients: z.number(),
    ratePerSecond: z.number(),
    expectedDeliveries: z.number(),
    delivered: z.number(),
    lost: z.number(),
    duplicatedOrReordered: z.number(),
    latencyMs: z.object({ p50: z.number(), p99: z.number(), p999: z.number(), max: z.number() }),
    deliveredPerSecond: z.number(),
    eventsPerFrame: z.number(),
    serverCpuPercent: z.number(),
  }),
);
const Ceiling = z.array(
  z.object({
    server: z.string(),
    clients: z.number(),
    events: z.number(),
    delivered: z.number(),
    expectedDeliveries: z.number(),
    deliveredPerSecond: z.number(),
    eventsPerFrame: z.number(),
    serverCpuPercent: z.number(),
    deliveredPerServerCpuSecond: z.number(),
  }),
);

type Labels = Record<string, string>;
const roleOf = (server: string) => (server.startsWith('ours') ? 'ours' : 'baseline');
const labelOf = (labels: Labels, server: string) => labels[server] ?? server;
const find = <T extends { server: string }>(list: T[], server: string) => list.find((entry) => entry.server === server);
/** A table row for one of the harness's servers (`ours`, `bare`, `naive`…). */
const serverRow = (server: string, labels: Labels, fields: Omit<Partial<Row>, 'name' | 'label' | 'role'>) =>
  row({ name: server, label: labelOf(labels, server), role: roleOf(server), ...fields });

function density(results: unknown, labels: Labels): Omit<SuiteOutput, 'raw'> {
  const list = Density.parse(results);
  const ours = find(list, 'ours');
  const bare = find(list, 'bare');
  const rows: Row[] = list.map((r) =>
    serverRow(r.server, labels, {
      throughput: Math.round(r.connections / r.connectSeconds),
      throughputUnit: 'conn/s',
      rssMb: r.rssSettledMb,
      extra: { connections: r.connections, 'idle RSS MB': r.rssIdleMb, 'MB / 1k conn (settled)': r.mbPer1kConnections, 'MB / 1k conn (+3 s)': r.mbPer1kConnectionsAt3s },
    }),
  );
  const headlines: Headline[] = [
    { name: 'density-ours', label: `server RSS per 1,000 connections (${ours?.connections ?? '?'} conns, 5 topics each, settled)`, value: ours?.mbPer1kConnections ?? null, unit: 'MB', perRun: [], target: { op: '<=', value: 8 } },
    { name: 'density-ours-over-bare', label: 'RSS per 1k connections: ours / bare ws', value: ratio(ours?.mbPer1kConnections, bare?.mbPer1kConnections), unit: '×', perRun: [], target: null },
  ];
  const charts: Chart[] = [
    {
      kind: 'bar',
      id: 'realtime-density',
      title: 'Server memory per 1,000 connections (settled RSS)',
      unit: 'MB',
      bars: list.map((r) => ({ label: r.server, value: r.mbPer1kConnections, role: roleOf(r.server) })),
      reference: { label: 'target 8 MB', value: 8 },
    },
  ];
  return { method: 'bench/realtime density: N sockets from a client fleet on core 1, 5 product topics each; server RSS growth over idle, lowest of the following seconds.', rows, headlines, checks: [], charts };
}

function hot(results: unknown, labels: Labels): Omit<SuiteOutput, 'raw'> {
  const list = Hot.parse(results);
  const ours = find(list, 'ours');
  const bare = find(list, 'bare');
  const rows = list.map((r) =>
    serverRow(r.server, labels, {
      throughputUnit: '—',
      p50Ms: r.medianMs,
      runs: r.events,
      extra: { subscribers: r.subscribers, 'last client ms (median)': r.medianMs, 'per event ms': r.lastReceiveMs.join(' ') },
    }),
  );
  return {
    method: 'bench/realtime hot: one topic, N subscribers; time from PUBLISH to the last subscriber having the event, per event; p50 column = median over events.',
    rows,
    headlines: [
      { name: 'hot-ours-over-bare', label: `publish → last of ${ours?.subscribers ?? '?'} subscribers: ours / bare send loop`, value: ratio(ours?.medianMs, bare?.medianMs), unit: '×', perRun: [], target: { op: '<=', value: 1.1 } },
      { name: 'hot-ours-ms', label: `publish → last of ${ours?.subscribers ?? '?'} subscribers (ours, median)`, value: ours?.medianMs ?? null, unit: 'ms', perRun: ours?.lastReceiveMs ?? [], target: null },
    ],
    checks: [],
    charts: [
      {
        kind: 'line',
        id: 'realtime-hot',
        title: `Hot topic: publish → last of ${ours?.subscribers ?? '?'} subscribers, per event`,
        xLabel: 'event',
        yLabel: 'ms',
        xLog: false,
        series: list.map((r) => ({ name: r.server, role: roleOf(r.server), points: r.lastReceiveMs.flatMap((ms, i): [number, number][] => (ms === null ? [] : [[i + 1, ms]])) })),
      },
    ],
  };
}

function churn(results: unknown, labels: Labels): Omit<SuiteOutput, 'raw'> {
  const list = Churn.parse(results);
  const ours = find(list, 'ours');
  const naive = find(list, 'naive');
  const rows = list.map((r) =>
    serverRow(r.server, labels, {
      throughput: r.deliveredPerSecond,
      throughputUnit: 'deliveries/s',
      p50Ms: r.latencyMs.p50,
      p99Ms: r.latencyMs.p99,
      errors: r.lost + r.duplicatedOrReordered,
      cpuPercent: r.serverCpuPercent,
      extra: { clients: r.clients, 'events/s': r.ratePerSecond, expected: r.expectedDeliveries, delivered: r.delivered, lost: r.lost, 'dup/reordered': r.duplicatedOrReordered, 'p99.9 ms': r.latencyMs.p999, 'events/frame': r.eventsPerFrame },
    }),
  );
  return {
    method: 'bench/realtime churn: N clients on 5 random product topics each, a steady event rate to random products; every delivery checked per client (count, seq sum, order); latency publish → receive.',
    rows,
    headlines: [
      { name: 'churn-lost', label: 'churn: lost + duplicated/reordered deliveries (ours)', value: ours === undefined ? null : ours.lost + ours.duplicatedOrReordered, unit: '', perRun: [], target: { op: '<=', value: 0 } },
      { name: 'churn-p99', label: `churn p99 publish → receive (ours, ${ours?.clients ?? '?'} clients, ${ours?.ratePerSecond ?? '?'} events/s)`, value: ours?.latencyMs.p99 ?? null, unit: 'ms', perRun: [], target: { op: '<=', value: 50 } },
      { name: 'churn-p99-naive-over-ours', label: 'churn p99: naive / ours', value: ratio(naive?.latencyMs.p99, ours?.latencyMs.p99), unit: '×', perRun: [], target: null },
    ],
    checks: [],
    charts: [
      {
        kind: 'line',
        id: 'realtime-churn-latency',
        title: 'Churn: publish → receive latency distribution',
        xLabel: 'latency (ms, log)',
        yLabel: '% of deliveries ≤ x',
        xLog: true,
        yNines: true,
        series: list.map((r) => ({
          name: r.server,
          role: roleOf(r.server),
          points: [
            [Math.max(r.latencyMs.p50, 0.5), 50],
            [Math.max(r.latencyMs.p99, 0.5), 99],
            [Math.max(r.latencyMs.p999, 0.5), 99.9],
            [Math.max(r.latencyMs.max, 0.5), 100],
          ],
        })),
      },
    ],
  };
}

function ceiling(results: unknown, labels: Labels): Omit<SuiteOutput, 'raw'> {
  const list = Ceiling.parse(results);
  const ours = find(list, 'ours');
  const bare = find(list, 'bare');
  const rows = list.map((r) =>
    serverRow(r.server, labels, {
      throughput: r.deliveredPerSecond,
      throughputUnit: 'deliveries/s',
      errors: r.expectedDeliveries - r.delivered,
      cpuPercent: r.serverCpuPercent,
      extra: { clients: r.clients, events: r.events, delivered: r.delivered, 'per server CPU-second': r.deliveredPerServerCpuSecond, 'events/frame': r.eventsPerFrame },
    }),
  );
  return {
    method: 'bench/realtime ceiling: a burst published as fast as Redis takes it and drained; deliveries per second at the clients and per second of server CPU.',
    rows,
    headlines: [
      { name: 'ceiling-ours-over-bare', label: 'delivered/s at the clients: ours / bare send loop', value: ratio(ours?.deliveredPerSecond, bare?.deliveredPerSecond), unit: '×', perRun: [], target: { op: '>=', value: 3 } },
      { name: 'ceiling-per-cpu-ours-over-bare', label: 'deliveries per server CPU-second: ours / bare', value: ratio(ours?.deliveredPerServerCpuSecond, bare?.deliveredPerServerCpuSecond), unit: '×', perRun: [], target: null },
    ],
    checks: [],
    charts: [
      {
        kind: 'bar',
        id: 'realtime-ceiling',
        title: 'Broadcaster ceiling: deliveries per server CPU-second',
        unit: 'deliveries/CPU-s',
        bars: list.map((r) => ({ label: r.server, value: r.deliveredPerServerCpuSecond, role: roleOf(r.server) })),
        reference: null,
      },
    ],
  };
}

const MAPPERS = { density, hot, churn, ceiling } as const;
type HarnessSuite = keyof typeof MAPPERS;

type RunOutput = z.infer<typeof RunSchema>;
const HARNESS_SUITES: [HarnessSuite, SuiteName][] = [
  ['density', 'realtime-density'],
  ['hot', 'realtime-hot'],
  ['churn', 'realtime-churn'],
  ['ceiling', 'realtime-ceiling'],
];
/** One bench/realtime invocation serves every realtime suite of a run (its Redis and build are shared). */
const invocations = new Map<string, Promise<RunOutput>>();

function harnessRun(ctx: SuiteContext): Promise<RunOutput> {
  const wanted = HARNESS_SUITES.filter(([, name]) => ctx.plan.includes(name)).map(([suite]) => suite);
  const quick = ctx.size !== 'full';
  const key = `${ctx.size}:${wanted.join(',')}`;
  let pending = invocations.get(key);
  if (pending === undefined) {
    // All four: no --suite, so the harness writes its day's canonical file rather than a partial one.
    const suiteArgs = wanted.length === HARNESS_SUITES.length ? [] : wanted.flatMap((suite) => ['--suite', suite]);
    pending = runHarness(ctx, 'realtime/run.ts', [...suiteArgs, '--skip-build', ...(quick ? ['--quick'] : [])], '-realtime').then((raw) =>
      RunSchema.parse(raw),
    );
    invocations.set(key, pending);
  }
  return pending;
}

function realtimeSuite(harnessSuite: HarnessSuite, name: SuiteName, summary: string, estimateS: Suite['estimateS']): Suite {
  return {
    name,
    summary,
    estimateS,
    batch: 'bench/realtime',
    builds: ['@livecart/realtime'],
    remoteTargets: null,
    async run(ctx) {
      const output = await harnessRun(ctx);
      const results = output.results[harnessSuite];
      if (results === undefined) throw new Error(`bench/realtime wrote no ${harnessSuite} results`);
      return { ...MAPPERS[harnessSuite](results, output.servers), raw: { ...output, results: { [harnessSuite]: results } } };
    },
  };
}

export const realtimeSuites: Suite[] = [
  realtimeSuite('density', 'realtime-density', 'memory per 1k WebSocket connections, ours vs bare ws (bench/realtime)', { tiny: 15, quick: 15, full: 110 }),
  realtimeSuite('hot', 'realtime-hot', 'one hot topic, publish → last of 10k subscribers, ours vs bare send loop (bench/realtime)', { tiny: 15, quick: 15, full: 70 }),
  realtimeSuite('churn', 'realtime-churn', '10k clients on random topics, 2k events/s: lost/dup/order, latency, ours vs naive (bench/realtime)', { tiny: 15, quick: 15, full: 130 }),
  realtimeSuite('ceiling', 'realtime-ceiling', 'delivered events/s when the server is the bottleneck, ours vs bare (bench/realtime)', { tiny: 10, quick: 10, full: 45 }),
];

