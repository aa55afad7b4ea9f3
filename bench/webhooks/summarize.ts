import { CLIENT_CPUS, SERVER_CPUS } from '../src/runtime/paths.js';
import { row, type Chart, type Headline, type Row } from '../src/report/schema.js';
import { median } from '../src/stats.js';
import type { PhaseName, PhaseResult } from './run-phase.js';

/** The promise: the live path's p99 with webhooks at most this times the same run's without. */
const P99_RATIO_TARGET = 1.1;

export interface Round {
  round: number;
  order: PhaseName[];
  A: PhaseResult;
  B: PhaseResult;
  /** WebSocket p99 with webhooks / without, this round. */
  p99Ratio: number | null;
}

export interface SummaryOptions {
  eventsPerSecond: number;
  endpointCount: number;
  drainTimeoutMs: number;
}

const medianOf = (values: (number | null)[]): number | null => {
  const present = values.filter((value): value is number => value !== null);
  return present.length === 0 ? null : median(present);
};

/**
 * Figures are reported whatever they are; a run in which nothing reached a receiver or a signature failed
 * measured a broken setup (a refused URL, a wrong secret), not the delivery path: it throws.
 */
export function assertMeasured(results: readonly Round[]): void {
  for (const r of results) {
    const { webhooks, live } = r.B;
    if (webhooks === null || webhooks.check.endpoints.some((e) => e.received === 0)) throw new Error(`round ${r.round}: an endpoint received no webhook delivery at all`);
    if (webhooks.check.refused > 0) throw new Error(`round ${r.round}: receivers refused ${webhooks.check.refused} deliveries: ${JSON.stringify(webhooks.refusals)}`);
    if (live.received === 0 || r.A.live.received === 0) throw new Error(`round ${r.round}: the WebSocket fleet received no event`);
  }
}

/** The suite's table rows, headline figures and chart, medians over rounds. */
export function summarize(results: readonly Round[], options: SummaryOptions): { rows: Row[]; headlines: Headline[]; charts: Chart[] } {
  const { eventsPerSecond, endpointCount, drainTimeoutMs } = options;
  const per = (phase: PhaseName, pick: (p: PhaseResult) => number | null) => results.map((r) => pick(r[phase]));
  const hooks = results.map((r) => r.B.webhooks!);
  const ratios = results.map((r) => r.p99Ratio);
  const lost = hooks.reduce((sum, h) => sum + h.check.lost, 0);
  const pending = hooks.reduce((sum, h) => sum + h.check.pending, 0);
  const liveMissing = (phase: PhaseName) => results.reduce((sum, r) => sum + Math.max(0, r[phase].live.expected - r[phase].live.received) + r[phase].live.backwards, 0);
  const offeredDeliveries = eventsPerSecond * endpointCount;
  const liveRow = (phase: PhaseName) =>
    row({
      name: `live-${phase}`,
      label: phase === 'A' ? 'live path, no webhook endpoints' : `live path, ${endpointCount} webhook endpoints`,
      role: phase === 'A' ? 'baseline' : 'ours',
      throughput: medianOf(per(phase, (p) => p.writes.eventsPerSecond)),
      throughputUnit: 'events/s written',
      p50Ms: medianOf(per(phase, (p) => p.live.p50Ms)),
      p99Ms: medianOf(per(phase, (p) => p.live.p99Ms)),
      errors: liveMissing(phase) + results.reduce((sum, r) => sum + r[phase].writes.failed, 0),
      cpuPercent: medianOf(per(phase, (p) => p.apiCpuPercent)),
      runs: results.length,
      extra: {
        'realtime CPU %': medianOf(per(phase, (p) => p.realtimeCpuPercent)),
        'webhook worker CPU %': medianOf(per(phase, (p) => p.workerCpuPercent)),
        'Postgres CPU %': medianOf(per(phase, (p) => p.postgresCpuPercent)),
        'receivers CPU % (clients core)': medianOf(per(phase, (p) => p.receiversCpuPercent)),
        'servers core busy %': medianOf(per(phase, (p) => p.coreBusyPercent[Number(SERVER_CPUS)] ?? null)),
        'clients core busy %': medianOf(per(phase, (p) => p.coreBusyPercent[Number(CLIENT_CPUS)] ?? null)),
        'bulk request p99 ms': medianOf(per(phase, (p) => p.writes.requestP99Ms)),
        'requests skipped (API behind)': results.reduce((sum, r) => sum + r[phase].writes.skipped, 0),
        'live deliveries per round': medianOf(per(phase, (p) => p.live.expected)),
      },
    });
  const charts: Chart[] = [
    {
      kind: 'line',
      id: 'webhooks-p99',
      title: `Live path p99 without and with ${endpointCount} webhook endpoints, and webhook commit → receipt p99, per round`,
      xLabel: 'round',
      yLabel: 'ms from the event’s occurredAt',
      xLog: false,
      series: [
        { name: `live p99, ${endpointCount} endpoints`, role: 'ours', points: results.map((r): [number, number] => [r.round, r.B.live.p99Ms]) },
        { name: 'live p99, no endpoints', role: 'baseline', points: results.map((r): [number, number] => [r.round, r.A.live.p99Ms]) },
        { name: 'webhook p99', role: 'ours', points: results.map((r): [number, number] => [r.round, r.B.webhooks!.p99Ms]) },
      ],
    },
  ];
  const rows = [
    liveRow('A'),
    liveRow('B'),
    row({
      name: 'webhook-deliveries',
      label: `webhook deliveries, ${endpointCount} endpoints (commit → receipt)`,
      role: 'ours',
      throughput: medianOf(hooks.map((h) => h.deliveredPerSecondWhileWriting)),
      throughputUnit: 'deliveries/s while writing',
      p50Ms: medianOf(hooks.map((h) => h.p50Ms)),
      p99Ms: medianOf(hooks.map((h) => h.p99Ms)),
      errors: lost + hooks.reduce((sum, h) => sum + h.check.refused + h.check.outOfOrder + (h.check.pending === 0 ? h.check.mismatched : 0), 0),
      runs: hooks.length,
      extra: {
        'offered deliveries/s': offeredDeliveries,
        'expected per endpoint (per round)': hooks.map((h) => h.check.expected).join(', '),
        'received per endpoint, min (per round)': hooks.map((h) => Math.min(...h.check.endpoints.map((e) => e.received))).join(', '),
        lost,
        'not delivered when the drain ended': pending,
        'out of seq order': hooks.reduce((sum, h) => sum + h.check.outOfOrder, 0),
        'received again (at least once)': hooks.reduce((sum, h) => sum + h.check.duplicates, 0),
        'events per request (median of rounds)': medianOf(hooks.map((h) => Math.round((h.check.endpoints.reduce((sum, e) => sum + e.received, 0) / Math.max(1, h.requests)) * 10) / 10)),
        'signatures verified': hooks.reduce((sum, h) => sum + h.verified, 0),
        refused: hooks.reduce((sum, h) => sum + h.check.refused, 0),
        'drain after the writes ms': medianOf(hooks.map((h) => h.drainMs)),
        'max ms': medianOf(hooks.map((h) => h.maxMs)),
      },
    }),
  ];
  const headlines: Headline[] = [
    {
      name: 'webhooks-live-p99-ratio',
      label: `live WebSocket p99: with ${endpointCount} webhook endpoints / without (median of per-round ratios)`,
      value: medianOf(ratios),
      unit: '×',
      perRun: ratios,
      target: { op: '<=', value: P99_RATIO_TARGET },
    },
    {
      name: 'webhooks-events-per-second',
      label: `events/s written with ${endpointCount} webhook endpoints (offered ${eventsPerSecond.toLocaleString('en')})`,
      value: medianOf(per('B', (p) => p.writes.eventsPerSecond)),
      unit: '/s',
      perRun: per('B', (p) => p.writes.eventsPerSecond),
      target: { op: '>=', value: eventsPerSecond },
    },
    {
      name: 'webhooks-delivered-per-second',
      label: `webhook deliveries/s while writing (offered ${offeredDeliveries.toLocaleString('en')}: every event to each of ${endpointCount} endpoints)`,
      value: medianOf(hooks.map((h) => h.deliveredPerSecondWhileWriting)),
      unit: '/s',
      perRun: hooks.map((h) => h.deliveredPerSecondWhileWriting),
      target: { op: '>=', value: offeredDeliveries },
    },
    { name: 'webhooks-p50', label: 'webhook commit → receipt p50', value: medianOf(hooks.map((h) => h.p50Ms)), unit: 'ms', perRun: hooks.map((h) => h.p50Ms), target: null },
    { name: 'webhooks-p99', label: 'webhook commit → receipt p99 (of the deliveries made before the drain ended)', value: medianOf(hooks.map((h) => h.p99Ms)), unit: 'ms', perRun: hooks.map((h) => h.p99Ms), target: null },
    { name: 'webhooks-live-p99-a', label: 'live WebSocket p99, no webhook endpoints', value: medianOf(per('A', (p) => p.live.p99Ms)), unit: 'ms', perRun: per('A', (p) => p.live.p99Ms), target: null },
    { name: 'webhooks-live-p99-b', label: `live WebSocket p99, ${endpointCount} webhook endpoints`, value: medianOf(per('B', (p) => p.live.p99Ms)), unit: 'ms', perRun: per('B', (p) => p.live.p99Ms), target: null },
    {
      name: 'webhooks-lost',
      label: 'webhook deliveries lost: logged by the API as delivered (2xx) but never received, every endpoint',
      value: lost,
      unit: '',
      perRun: hooks.map((h) => h.check.lost),
      target: { op: '<=', value: 0 },
    },
    {
      name: 'webhooks-out-of-order',
      label: 'webhook events received after one with a higher seq (per endpoint)',
      value: hooks.reduce((sum, h) => sum + h.check.outOfOrder, 0),
      unit: '',
      perRun: hooks.map((h) => h.check.outOfOrder),
      target: { op: '<=', value: 0 },
    },
    {
      name: 'webhooks-pending',
      label: `webhook deliveries not yet made ${drainTimeoutMs / 1_000} s after the writes stopped (of ${hooks.map((h) => h.check.expected * h.endpoints).join(', ')} per round)`,
      value: pending,
      unit: '',
      perRun: hooks.map((h) => h.check.pending),
      target: { op: '<=', value: 0 },
    },
  ];
  return { rows, headlines, charts };
}
