import { z } from 'zod';

/** Every suite file (`<date>-<suite>.json`) has this shape, whatever harness produced the figures. */

/** In the order a full run takes them. */
export const SUITE_NAMES = [
  'api',
  'next-baseline',
  'realtime-density',
  'realtime-hot',
  'realtime-churn',
  'realtime-ceiling',
  'artillery-read',
  'artillery-write',
  'artillery-ws',
  'e2e',
  'webhooks',
  'flash-sale',
] as const;
export const SuiteNameSchema = z.enum(SUITE_NAMES);
export type SuiteName = z.infer<typeof SuiteNameSchema>;

export const SIZES = ['tiny', 'quick', 'full'] as const;
export type Size = (typeof SIZES)[number];

const Figure = z.number().nullable();

/** One line of a suite's table: a server or load target, ours or a baseline. */
export const RowSchema = z.object({
  name: z.string().min(1),
  label: z.string().min(1),
  role: z.enum(['ours', 'baseline']),
  throughput: Figure,
  /** What `throughput` counts per second: `req/s`, `deliveries/s`, `conn/s`... */
  throughputUnit: z.string(),
  p50Ms: Figure,
  p95Ms: Figure,
  p99Ms: Figure,
  errors: Figure,
  rssMb: Figure,
  cpuPercent: Figure,
  /** How many runs the figures are medians of. */
  runs: z.int().min(0),
  /** Suite-specific columns, shown after the standard ones. */
  extra: z.record(z.string(), z.union([z.number(), z.string(), z.null()])),
});
export type Row = z.infer<typeof RowSchema>;

/** A headline figure, usually a ratio against a same-run baseline, with the target it is held to. */
export const HeadlineSchema = z.object({
  name: z.string().min(1),
  label: z.string().min(1),
  value: Figure,
  unit: z.string(),
  /** The individual runs the value is the median of. */
  perRun: z.array(z.number().nullable()),
  target: z.object({ op: z.enum(['>=', '<=']), value: z.number() }).nullable(),
});
export type Headline = z.infer<typeof HeadlineSchema>;

const Point = z.tuple([z.number(), z.number()]);

export const ChartSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('line'),
    id: z.string().regex(/^[a-z0-9-]+$/),
    title: z.string(),
    xLabel: z.string(),
    yLabel: z.string(),
    xLog: z.boolean(),
    /** Percent on the y axis spaced by nines (50, 90, 99, 99.9…): latency tails instead of bodies. */
    yNines: z.boolean().optional(),
    series: z.array(z.object({ name: z.string(), role: z.enum(['ours', 'baseline']), points: z.array(Point) })).min(1),
  }),
  z.object({
    kind: z.literal('bar'),
    id: z.string().regex(/^[a-z0-9-]+$/),
    title: z.string(),
    unit: z.string(),
    bars: z.array(z.object({ label: z.string(), value: z.number(), role: z.enum(['ours', 'baseline']) })).min(1),
    /** A dashed line, e.g. a target. */
    reference: z.object({ label: z.string(), value: z.number() }).nullable(),
  }),
]);
export type Chart = z.infer<typeof ChartSchema>;

export const CheckSchema = z.object({ name: z.string(), ok: z.boolean() });

export const SuiteResultSchema = z.object({
  schema: z.literal('livecart.bench.suite/1'),
  suite: SuiteNameSchema,
  size: z.enum(SIZES),
  status: z.enum(['ok', 'failed', 'skipped']),
  /** Why the suite failed or was skipped. */
  reason: z.string().nullable(),
  startedAt: z.iso.datetime(),
  durationS: z.number().min(0),
  target: z.object({ kind: z.enum(['local', 'remote']), apiUrl: z.string().nullable(), realtimeUrl: z.string().nullable() }),
  machine: z.object({ cpus: z.int(), model: z.string(), memoryGb: z.number(), node: z.string(), loadAverage: z.array(z.number()) }),
  /** One sentence on what was measured and how. */
  method: z.string(),
  rows: z.array(RowSchema),
  headlines: z.array(HeadlineSchema),
  /** Pass/fail checks the tool itself applied (Artillery `ensure`). */
  checks: z.array(CheckSchema),
  charts: z.array(ChartSchema),
  /** The harness's own output, unchanged. */
  raw: z.unknown(),
});
export type SuiteResult = z.infer<typeof SuiteResultSchema>;

/** What a suite function returns; the runner adds the envelope. */
export type SuiteOutput = Pick<SuiteResult, 'method' | 'rows' | 'headlines' | 'checks' | 'charts' | 'raw'> & {
  status?: 'ok' | 'skipped';
  reason?: string;
};

export function row(fields: Partial<Row> & Pick<Row, 'name' | 'label' | 'role'>): Row {
  return {
    throughput: null,
    throughputUnit: 'req/s',
    p50Ms: null,
    p95Ms: null,
    p99Ms: null,
    errors: null,
    rssMb: null,
    cpuPercent: null,
    runs: 1,
    extra: {},
    ...fields,
  };
}
