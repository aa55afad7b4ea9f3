import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import type { LoadResult } from '../load/autocannon.js';
import { RESULTS } from '../runtime/paths.js';
import { median, round } from '../stats.js';

/** Per-target figures of interleaved rounds: round i of every target was measured minutes apart at most. */
export type RoundResults = Map<string, number[]>;

export function recordRound(results: RoundResults, target: string, value: number): void {
  results.set(target, [...(results.get(target) ?? []), value]);
}

/**
 * The median of per-round ratios `name / base`: on a shared machine, neighbours in time compare better
 * than the ratio of two medians.
 */
export function medianRatio(results: RoundResults, name: string, base: string): number {
  const baseline = results.get(base) ?? [];
  return round(median((results.get(name) ?? []).map((value, i) => value / (baseline[i] ?? Number.NaN))), 3);
}

/** Medians and every round's figure, per target. */
export function summarize(results: RoundResults): Record<string, { median: number; runs: number[] }> {
  return Object.fromEntries([...results].map(([name, list]) => [name, { median: Math.round(median(list)), runs: list.map(Math.round) }]));
}

/** Writes `<date>-<name>.json` into bench/results with the machine's state, and returns its path. */
export function writeComparison(name: string, summary: Record<string, unknown>): string {
  const date = new Date().toISOString();
  mkdirSync(RESULTS, { recursive: true });
  const file = join(RESULTS, `${date.slice(0, 10)}-${name}.json`);
  writeFileSync(file, `${JSON.stringify({ date, node: process.version, loadavg: loadavg().map((value) => round(value, 2)), ...summary }, null, 2)}\n`);
  return file;
}

export interface InterleavedOptions<T extends { name: string }> {
  runs: number;
  durationS: number;
  /** What one request is, for the progress lines: `PATCH`, `pages`. */
  unit: string;
  /** Starts every target afresh for a round (a process can run faster or slower than the next for its life). */
  start(): Promise<T[]>;
  measure(target: T, seconds: number): Promise<LoadResult>;
  stop(targets: T[]): Promise<void>;
}

/**
 * Rounds of: start every target, warm each, measure each one after the other with the first target
 * rotating from round to round (none is always first after warm-up), stop them. Any error or non-2xx
 * answer fails the run: a ratio of failures means nothing.
 */
export async function runInterleavedRounds<T extends { name: string }>(options: InterleavedOptions<T>): Promise<RoundResults> {
  const results: RoundResults = new Map();
  for (let roundNo = 1; roundNo <= options.runs; roundNo++) {
    const targets = await options.start();
    try {
      for (const target of targets) await options.measure(target, Math.min(5, options.durationS));
      const shift = (roundNo - 1) % targets.length;
      for (const target of [...targets.slice(shift), ...targets.slice(0, shift)]) {
        const result = await options.measure(target, options.durationS);
        if (result.errors + result.non2xx > 0) throw new Error(`${target.name}: ${result.errors} errors, ${result.non2xx} non-2xx answers`);
        recordRound(results, target.name, result.requestsPerSecond);
        const { p50, p99 } = result.latencyMs;
        console.error(`round ${roundNo}/${options.runs} ${target.name.padEnd(12)} ${Math.round(result.requestsPerSecond)} ${options.unit}/s p50 ${p50} ms p99 ${p99} ms`);
      }
    } finally {
      await options.stop(targets);
    }
  }
  return results;
}
