import { loadavg } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import type { Attempt } from '../checker/api-load.js';
import { runFault, type FaultRunResult } from '../checker/fault-run.js';
import { isSuccess } from '../checker/http.js';
import { findViolations } from '../checker/run-violations.js';
import type { Stack } from '../stack/stack.js';
import { runPaced } from './paced.js';
import { readTask } from './read-load.js';
import type { SoakCheck, SoakReport } from './report.js';
import { RssSampler, type RssSample } from './rss-sampler.js';
import { Tally, type Bucket } from './tally.js';
import { growthTrend, type Trend } from './trend.js';

export interface SoakSettings {
  durationMs: number;
  clients: number;
  products: number;
  productsPerClient: number;
  /** Writes (PATCH, bulk, orders) and a few reads per second, through the checker's load. */
  writesPerSecond: number;
  /** Storefront reads (product pages, filtered listings, conditional GETs) per second. */
  readsPerSecond: number;
  /** RSS samples before this are the warm-up: caches fill, JIT settles; the trend starts after it. */
  warmupMs: number;
  sampleEveryMs: number;
  bucketMs: number;
  /** Allowed RSS growth of any process over the measured window, as a fraction. */
  maxRssGrowth: number;
  /** Allowed share of unexpected outcomes in any one bucket: an "error spike". */
  maxErrorShare: number;
  progressEveryMs: number;
}

export const SOAK_DEFAULTS: SoakSettings = {
  durationMs: 30 * 60_000,
  clients: 5_000,
  products: 500,
  productsPerClient: 5,
  writesPerSecond: 40,
  readsPerSecond: 200,
  warmupMs: 5 * 60_000,
  sampleEveryMs: 5_000,
  bucketMs: 10_000,
  maxRssGrowth: 0.1,
  maxErrorShare: 0.001,
  progressEveryMs: 30_000,
};

const CATEGORY = 'fault-runs';
const MB = 1024 * 1024;

/** Checker attempts → per-bucket outcomes, on the same clock as the reads' tally. */
function bucketsOf(attempts: readonly Attempt[], startedAt: number, bucketMs: number): Bucket[] {
  const tally = new Tally(startedAt, bucketMs);
  const expected = new Set([404, 409, 412]);
  for (const attempt of attempts) {
    const outcome = isSuccess(attempt.status) ? 'ok' : typeof attempt.status === 'number' && expected.has(attempt.status) ? 'expected' : 'error';
    tally.recordAt(attempt.at, outcome, attempt.ms, `${attempt.op} → ${String(attempt.status)}`);
  }
  return tally.snapshot();
}

function rssTrends(samples: readonly RssSample[], warmupMs: number): Record<string, Trend> {
  const names = [...new Set(samples.flatMap((s) => Object.keys(s.rss)))];
  return Object.fromEntries(
    names.map((name) => [
      name,
      growthTrend(
        samples.filter((s) => s.rss[name] !== undefined).map((s) => [s.atMs, s.rss[name]!] as [number, number]),
        warmupMs,
      ),
    ]),
  );
}

function spikes(buckets: readonly Bucket[], maxShare: number): Bucket[] {
  return buckets.filter((b) => b.errors > 0 && b.errors / (b.ok + b.expected + b.errors) > maxShare);
}

/**
 * The soak: 2 api and 2 realtime instances on private servers, storefront reads, admin writes and
 * orders at a steady rate and thousands of WebSocket clients for a long time, then the same
 * accounting of every event as the fault runs, plus memory trends and error spikes.
 */
export async function runSoak(stack: Stack, settings: SoakSettings, command: string, progress: (line: string) => void): Promise<SoakReport> {
  const pids = new Map<string, number>();
  for (const name of stack.apps.names()) {
    const pid = stack.apps.pid(name);
    if (pid !== undefined) pids.set(name, pid);
  }
  const sampler = new RssSampler(pids, settings.sampleEveryMs);
  const startedAtIso = new Date().toISOString();
  let loadStartedAt = Date.now();
  let reads: Tally | undefined;

  const result: FaultRunResult = await runFault(
    stack,
    async (run) => {
      loadStartedAt = Date.now();
      sampler.start();
      const readTally = new Tally(loadStartedAt, settings.bucketMs);
      reads = readTally;
      const stop = new AbortController();
      const apiUrls = stack.apps.names('api').map((name) => stack.apps.url(name));
      const readLoad = runPaced(
        settings.readsPerSecond,
        64,
        readTask({ apiUrls, productIds: run.products.ids, categories: [CATEGORY], tally: readTally, timeoutMs: 10_000 }),
        stop.signal,
      );
      const endAt = loadStartedAt + settings.durationMs;
      while (Date.now() < endAt) {
        await delay(Math.min(settings.progressEveryMs, endAt - Date.now()));
        const elapsed = Date.now() - loadStartedAt;
        const done = readTally.snapshot();
        const readErrors = done.reduce((n, b) => n + b.errors, 0);
        const writeErrors = run.load.attempts.filter((a) => !isSuccess(a.status) && a.status !== 404 && a.status !== 409 && a.status !== 412).length;
        const stats = run.fleet.stats();
        const rss = sampler.samples.at(-1)?.rss ?? {};
        const memory = Object.entries(rss)
          .map(([name, bytes]) => `${name} ${(bytes / MB).toFixed(0)}`)
          .join(', ');
        progress(
          `[soak] ${(elapsed / 60_000).toFixed(1)}/${settings.durationMs / 60_000} min · ` +
            `reads ${done.reduce((n, b) => n + b.ok + b.expected, 0)} (${readErrors} errors) · writes ${run.load.writes.length} (${writeErrors} errors) · ` +
            `clients ${stats.connected}/${stats.clients}, ${stats.reconnects} reconnects · RSS MB: ${memory}`,
        );
      }
      stop.abort();
      await readLoad;
      run.lifted();
    },
    {
      clients: settings.clients,
      products: settings.products,
      productsPerClient: settings.productsPerClient,
      catalogEvery: 0,
      ratePerSecond: settings.writesPerSecond,
      mix: { price: 35, stock: 20, 'if-match': 10, order: 25, bulk: 5, checkout: 0, read: 5 },
      warmupMs: 0,
      recoverMs: 0,
      settleTimeoutMs: 120_000,
      // Thousands of clients each fetch their snapshots before subscribing: give them minutes, not seconds.
      startTimeoutMs: Math.max(60_000, settings.clients * 60),
    },
  );
  const samples = sampler.stop();
  const durationMs = Date.now() - loadStartedAt;

  const readBuckets = reads?.snapshot() ?? [];
  const writeBuckets = bucketsOf(result.load.attempts, loadStartedAt, settings.bucketMs);
  const trends = rssTrends(samples, settings.warmupMs);
  const violations = findViolations(result);
  const grown = Object.entries(trends).filter(([, t]) => t.growth > settings.maxRssGrowth);
  const readSpikes = spikes(readBuckets, settings.maxErrorShare);
  const writeSpikes = spikes(writeBuckets, settings.maxErrorShare);
  const checks: SoakCheck[] = [
    {
      name: 'every event accounted for',
      ok: violations.length === 0,
      detail: violations.length === 0 ? `${result.deliveries.expected} deliveries expected, ${result.deliveries.lost} lost, ${result.deliveries.duplicates} duplicated, ${result.deliveries.outOfOrder} out of order` : violations.join('; '),
    },
    {
      name: `RSS flat (growth ≤ ${settings.maxRssGrowth * 100} % after a ${settings.warmupMs / 60_000} min warm-up)`,
      ok: grown.length === 0,
      detail: Object.entries(trends)
        .map(([name, t]) => `${name} ${(t.growth * 100).toFixed(1)} %`)
        .join(', '),
    },
    {
      name: `no error spike (≤ ${settings.maxErrorShare * 100} % errors in every ${settings.bucketMs / 1_000} s interval)`,
      ok: readSpikes.length === 0 && writeSpikes.length === 0,
      detail: `${readSpikes.length} read and ${writeSpikes.length} write intervals over the limit`,
    },
  ];
  return {
    startedAt: startedAtIso,
    command,
    durationMs,
    loadAverage: loadavg(),
    settings: {
      minutes: settings.durationMs / 60_000,
      'WebSocket clients': settings.clients,
      products: settings.products,
      'products per client': settings.productsPerClient,
      'writes/s (PATCH, bulk, orders)': settings.writesPerSecond,
      'reads/s': settings.readsPerSecond,
      'api instances': stack.apps.names('api').length,
      'realtime instances': stack.apps.names('realtime').length,
      // Every process the soak starts runs on this node (process.execPath).
      'Node.js': process.version,
    },
    bucketMs: settings.bucketMs,
    reads: readBuckets,
    writes: writeBuckets,
    rss: samples,
    rssTrends: trends,
    events: {
      'outbox events written': result.outbox.events,
      'deliveries expected': result.deliveries.expected,
      delivered: result.deliveries.delivered,
      'covered by reset + refetch': result.deliveries.coveredByReset,
      lost: result.deliveries.lost,
      duplicated: result.deliveries.duplicates,
      'out of order': result.deliveries.outOfOrder,
      'views differing from Postgres': result.deliveries.viewMismatches,
      reconnects: result.fleet.reconnects,
      'settle after the last write (ms)': result.settleMs ?? -1,
    },
    checks,
    errorExamples: [...(reads?.examples ?? []), ...result.clientProblems].slice(0, 20),
  };
}
