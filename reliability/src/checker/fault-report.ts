import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Operation } from './api-load.js';
import type { FaultRunResult } from './fault-run.js';
import { isSuccess } from './http.js';

/** One line of the fault table. */
export interface FaultRow {
  /** Stable id, e.g. `redis-restart`; a new run of the same fault replaces its row. */
  fault: string;
  title: string;
  /** ISO date of the run. */
  ranAt: string;
  clients: number;
  /** Outbox rows for the run's products: one per committed change. */
  eventsWritten: number;
  /** Versions clients had to learn, and how many arrived as events. */
  expectedDeliveries: number;
  delivered: number;
  coveredByReset: number;
  lost: number;
  duplicated: number;
  outOfOrder: number;
  /** Products some client showed differently from Postgres once everything settled (absent in rows recorded before it was counted). */
  staleViews?: number;
  /** Clients that had to refetch after a `reset`, and reconnections. */
  clientsReset: number;
  reconnects: number;
  /** From lifting the fault (or the kill) until every client showed what Postgres held at that instant. */
  convergeMs: number | null;
  faultMs: number;
  /** Writes answered 2xx, refused with 412, and left unsettled; HTTP answers during the fault by class. */
  writesAcked: number;
  writesRefused: number;
  writesUnsettled: number;
  duringFault: { ok: number; unavailable: number; other: number; slowestMs: number };
  notes: string[];
}

const WRITES: readonly Operation[] = ['price', 'stock', 'if-match', 'order', 'bulk', 'checkout'];

export function faultRow(fault: string, title: string, result: FaultRunResult): FaultRow {
  const during = result.load.attemptsBetween(result.faultStart, result.faultEnd);
  return {
    fault,
    title,
    ranAt: new Date(result.faultStart).toISOString(),
    clients: result.fleet.clients,
    eventsWritten: result.outbox.events,
    expectedDeliveries: result.deliveries.expected,
    delivered: result.deliveries.delivered,
    coveredByReset: result.deliveries.coveredByReset,
    lost: result.deliveries.lost,
    duplicated: result.deliveries.duplicates,
    outOfOrder: result.deliveries.outOfOrder,
    staleViews: result.deliveries.viewMismatches,
    clientsReset: result.fleet.clientsReset,
    reconnects: result.fleet.reconnects,
    convergeMs: result.convergeMs ?? null,
    faultMs: result.faultEnd - result.faultStart,
    writesAcked: result.load.writes.filter((write) => write.acked).length,
    writesRefused: result.load.writes.filter((write) => write.refused).length,
    writesUnsettled: result.load.writes.filter((write) => write.unknown).length,
    duringFault: {
      ok: during.filter((a) => isSuccess(a.status)).length,
      unavailable: during.filter((a) => a.status === 503).length,
      other: during.filter((a) => !isSuccess(a.status) && a.status !== 503).length,
      slowestMs: Math.round(Math.max(0, ...during.map((a) => a.ms))),
    },
    notes: result.notes,
  };
}

/** Writes attempted during the fault window (for assertions on how the API answered while it lasted). */
export function writesDuringFault(result: FaultRunResult) {
  return result.load.attemptsBetween(result.faultStart, result.faultEnd, WRITES);
}

/**
 * The run second by second around the fault (requests sent, answered 2xx / 503 / otherwise, median and
 * slowest latency), for failure messages: it shows whether a problem came with the fault or before it.
 */
export function describeRun(result: FaultRunResult): string {
  const buckets = new Map<number, { ok: number; unavailable: number; other: number; ms: number[] }>();
  for (const attempt of result.load.attempts) {
    const second = Math.floor((attempt.at - result.faultStart) / 1000);
    const bucket = buckets.get(second) ?? { ok: 0, unavailable: 0, other: 0, ms: [] };
    if (isSuccess(attempt.status)) bucket.ok++;
    else if (attempt.status === 503) bucket.unavailable++;
    else bucket.other++;
    bucket.ms.push(attempt.ms);
    buckets.set(second, bucket);
  }
  const faultSeconds = (result.faultEnd - result.faultStart) / 1000;
  const lines = [...buckets.entries()]
    .sort(([a], [b]) => a - b)
    .map(([second, bucket]) => {
      const sorted = bucket.ms.sort((a, b) => a - b);
      const p50 = Math.round(sorted[Math.floor(sorted.length / 2)] ?? 0);
      const max = Math.round(sorted.at(-1) ?? 0);
      const mark = second >= 0 && second < faultSeconds ? '*' : ' ';
      return `${mark}${String(second).padStart(4)} s: ${bucket.ok} 2xx, ${bucket.unavailable} 503, ${bucket.other} other; p50 ${p50} ms, max ${max} ms`;
    });
  return [`fault from 0 s to ${faultSeconds.toFixed(1)} s (*); ${result.notes.join('; ')}`, ...lines].join('\n');
}

const seconds = (ms: number | null) => (ms === null ? 'never' : `${(ms / 1000).toFixed(2)} s`);

export function renderFaultTable(rows: readonly FaultRow[]): string {
  const header = [
    'Fault',
    'Events written',
    'Delivered',
    'Lost',
    'Duplicated',
    'Out of order',
    'Stale views',
    'Covered by reset',
    'Time to converge',
    'During the fault: 2xx / 503 / other (slowest)',
    'Writes acked / 412 / unsettled',
    'Notes',
  ];
  const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
  for (const row of rows) {
    lines.push(
      `| ${[
        row.title,
        row.eventsWritten,
        `${row.delivered} of ${row.expectedDeliveries}`,
        row.lost,
        row.duplicated,
        row.outOfOrder,
        row.staleViews ?? '–',
        `${row.coveredByReset} (${row.clientsReset} clients)`,
        seconds(row.convergeMs),
        `${row.duringFault.ok} / ${row.duringFault.unavailable} / ${row.duringFault.other} (${row.duringFault.slowestMs} ms)`,
        `${row.writesAcked} / ${row.writesRefused} / ${row.writesUnsettled}`,
        [`${row.clients} clients, ${row.reconnects} reconnects, fault ${seconds(row.faultMs)}`, ...row.notes].join('; '),
      ].join(' | ')} |`,
    );
  }
  return lines.join('\n');
}

/**
 * Merges `rows` into `<dir>/faults-latest.json` (a fault's new row replaces its old one, others stay,
 * so files of the suite can run alone) and rewrites `<dir>/faults-latest.md` from it. Returns all rows.
 */
export async function recordFaultRows(dir: string, rows: readonly FaultRow[]): Promise<FaultRow[]> {
  const jsonPath = join(dir, 'faults-latest.json');
  let merged: FaultRow[] = [];
  try {
    merged = (JSON.parse(await readFile(jsonPath, 'utf8')) as { rows: FaultRow[] }).rows;
  } catch {
    merged = [];
  }
  for (const row of rows) {
    const at = merged.findIndex((existing) => existing.fault === row.fault);
    if (at === -1) merged.push(row);
    else merged[at] = row;
  }
  await mkdir(dir, { recursive: true });
  await writeFile(jsonPath, `${JSON.stringify({ rows: merged }, null, 2)}\n`);
  const markdown = [
    '# Faults under load',
    '',
    'Written by `pnpm --filter @livecart/reliability test` (test/faults-*.test.ts); see the README, section Faults.',
    'Each row is the latest run of that fault. "Delivered" counts product versions that reached a client as an',
    'event, out of the versions its clients had to learn after their snapshot; "lost" are those that neither',
    'arrived nor were covered by a refetch after a `reset`.',
    '',
    renderFaultTable(merged),
    '',
  ].join('\n');
  await writeFile(join(dir, 'faults-latest.md'), markdown);
  return merged;
}
