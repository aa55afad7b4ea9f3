import type { FleetReport } from '../harness/fleet.js';
import type { ServerKind } from '../harness/servers.js';

export interface SuiteContext {
  quick: boolean;
  /** Churn duration in seconds and events per second (full mode). */
  durationS: number;
  churnRate: number;
  redisUrl: string;
  serverCpus: string;
  clientCpus: string;
  localAddresses: string[];
  /** A fresh Redis key prefix per server run, so seqs start at 1 and runs never meet. */
  prefix: (label: string) => string;
  log: (line: string) => void;
  /** Whether this run measures `kind` (`--server` narrows a run to some servers). */
  runs: (kind: ServerKind) => boolean;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

/** Polls the fleet until it has received `expected` events or `timeoutMs` passes; returns the last report. */
export async function waitForDelivery(report: () => Promise<FleetReport>, expected: number, timeoutMs: number): Promise<FleetReport> {
  const deadline = Date.now() + timeoutMs;
  let last = await report();
  let stalledSince = Date.now();
  let previous = last.events;
  while (last.events < expected && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    last = await report();
    if (last.events !== previous) stalledSince = Date.now();
    previous = last.events;
    // Nothing new for 5 s: whatever is missing is not coming.
    if (Date.now() - stalledSince > 5_000) break;
  }
  return last;
}
