/**
 * `pnpm bench` — runs the benchmark suites, starting what each needs and stopping everything it started
 * (even on failure or Ctrl-C), and writes `<date>-<suite>.json`, SVG charts and `<date>-report.md`.
 *
 *   pnpm bench                      every suite, full size (≈ 20 min); results in bench/results/
 *   pnpm bench --quick              every suite, small (≈ 2-3 min); results in bench/results/tmp/
 *   pnpm bench --suite api --suite e2e
 *   pnpm bench --list
 *
 * Against a deployment: API_URL, REALTIME_URL and API_KEY in the environment; the suites that need
 * only those targets run, the ones that start their own servers and baselines are skipped.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { cleanupAll as cleanupRealtimeHarness } from '../realtime/harness/processes.js';
import { SUITE_NAMES, type Size, type SuiteResult } from './report/schema.js';
import { renderStoredCharts, updateReadme, writeReport, writeSuite } from './report/write.js';
import { BENCH, REPO, RESULTS, SCRATCH } from './runtime/paths.js';
import { cleanupAll } from './runtime/processes.js';
import { Progress } from './runtime/progress.js';
import { buildApps, Stack, type RemoteTargets } from './runtime/stack.js';
import type { Suite, SuiteContext } from './suites/context.js';
import { GROUPS, SUITES } from './suites/index.js';

const USAGE = `usage: pnpm bench [--quick | --tiny] [--suite <name>]... [--out <dir>] [--skip-build] [--list] [--render-only]
  --render-only: draw the charts of the stored results again and refresh the README (nothing is run)
suites: ${SUITE_NAMES.join(', ')} (groups: ${Object.keys(GROUPS).join(', ')})`;

function parse() {
  // `pnpm bench -- --quick` passes the separator through.
  const { values } = parseArgs({
    args: process.argv.slice(2).filter((arg) => arg !== '--'),
    options: {
      quick: { type: 'boolean', default: false },
      tiny: { type: 'boolean', default: false },
      suite: { type: 'string', multiple: true },
      out: { type: 'string' },
      'skip-build': { type: 'boolean', default: false },
      list: { type: 'boolean', default: false },
      'render-only': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const size: Size = values.tiny ? 'tiny' : values.quick ? 'quick' : 'full';
  const names = (values.suite ?? []).flatMap((name) => name.split(',')).flatMap((name) => GROUPS[name] ?? [name]);
  for (const name of names) if (!(SUITE_NAMES as readonly string[]).includes(name)) throw new UsageError(`unknown suite "${name}"\n${USAGE}`);
  const suites = names.length === 0 ? SUITES : SUITES.filter((suite) => names.includes(suite.name));
  return { size, suites, out: values.out, skipBuild: values['skip-build'], list: values.list, help: values.help, renderOnly: values['render-only'] };
}

class UsageError extends Error {}

function remoteTargets(): RemoteTargets {
  const pick = (name: string) => (process.env[name] === undefined || process.env[name] === '' ? undefined : process.env[name]);
  const remote: RemoteTargets = {};
  const apiUrl = pick('API_URL');
  const realtimeUrl = pick('REALTIME_URL');
  const apiKey = pick('API_KEY');
  if (apiUrl !== undefined) remote.apiUrl = apiUrl;
  if (realtimeUrl !== undefined) remote.realtimeUrl = realtimeUrl;
  if (apiKey !== undefined) remote.apiKey = apiKey;
  return remote;
}

const isRemoteRun = (remote: RemoteTargets) => remote.apiUrl !== undefined || remote.realtimeUrl !== undefined;
const missingTargets = (suite: Suite, remote: RemoteTargets) =>
  (suite.remoteTargets ?? []).filter((t) => (t === 'api' ? remote.apiUrl : remote.realtimeUrl) === undefined);

/** Why a suite cannot run against the given deployment, or null when it can (or the run is local). */
function remoteSkipReason(suite: Suite, remote: RemoteTargets): string | null {
  if (!isRemoteRun(remote)) return null;
  if (suite.remoteTargets === null) return 'starts its own servers and baselines on this machine: not run against a deployment';
  const missing = missingTargets(suite, remote);
  return missing.length === 0 ? null : `needs ${missing.map((t) => (t === 'api' ? 'API_URL' : 'REALTIME_URL')).join(' and ')} for a remote run`;
}

/** Per-suite estimates for the ETA; a batch's first suite does the whole batch's work. */
function estimates(suites: Suite[], size: Size): { name: string; estimateS: number }[] {
  return suites.map((suite, i) => {
    if (suite.batch === undefined) return { name: suite.name, estimateS: suite.estimateS[size] };
    const batch = suites.filter((s) => s.batch === suite.batch);
    const first = suites.findIndex((s) => s.batch === suite.batch) === i;
    return { name: suite.name, estimateS: first ? batch.reduce((sum, s) => sum + s.estimateS[size], 0) : 1 };
  });
}

/** Results are comparable with the committed ones only on the pinned runtime (.nvmrc); say so when it is another. */
function runtimeNote(): string {
  const pinned = readFileSync(join(REPO, '.nvmrc'), 'utf8').trim();
  return process.version === `v${pinned}` ? '' : ` (not the pinned v${pinned}: compare with care)`;
}

const machine = () => ({
  cpus: cpus().length,
  model: cpus()[0]?.model.trim() ?? 'unknown',
  memoryGb: Math.round(totalmem() / 2 ** 30),
  node: process.version,
  loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
});

async function main(): Promise<number> {
  const options = parse();
  if (options.help || options.list) {
    console.log(USAGE);
    for (const suite of SUITES) console.log(`  ${suite.name.padEnd(18)} ${suite.summary} (~${Math.round(suite.estimateS[options.size] / 6) / 10} min ${options.size})`);
    return 0;
  }
  if (options.renderOnly) {
    const dir = options.out ?? RESULTS;
    console.error(`${renderStoredCharts(dir)} chart(s) drawn again in ${dir}`);
    if (dir === RESULTS) updateReadme(join(BENCH, 'README.md'), RESULTS, 'results');
    return 0;
  }
  const remote = remoteTargets();
  const startedAt = new Date();
  const date = startedAt.toISOString().slice(0, 10);
  const outDir = options.out ?? (options.size === 'full' ? RESULTS : SCRATCH);
  const scratchDir = join(SCRATCH, `run-${startedAt.toISOString().replace(/[:.]/g, '-')}`);
  mkdirSync(outDir, { recursive: true });
  mkdirSync(scratchDir, { recursive: true });

  const progress = new Progress(estimates(options.suites, options.size));
  let interrupted = false;
  let signals = 0;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    // tsx relays the terminal's Ctrl-C, so one press arrives twice: only a third signal cuts cleanup short.
    process.on(signal, () => {
      signals++;
      if (interrupted) {
        if (signals >= 3) process.exit(130);
        return;
      }
      interrupted = true;
      progress.stop();
      console.error(`\n${signal}: stopping everything this run started…`);
      void Promise.allSettled([cleanupAll(), cleanupRealtimeHarness()]).finally(() => process.exit(130));
    });
  }

  const log = (line: string) => progress.print(line);
  const stack = new Stack({ remote, seedCount: options.size === 'tiny' ? 2_000 : 5_000, logDir: scratchDir, log });
  const results: SuiteResult[] = [];
  try {
    // Against a deployment nothing runs from this checkout's builds.
    const builds = isRemoteRun(remote) ? [] : [...new Set(options.suites.flatMap((s) => s.builds))];
    if (!options.skipBuild && builds.length > 0) {
      console.error(`building ${builds.join(', ')} (turbo; cached when unchanged)…`);
      await buildApps(builds, join(scratchDir, 'build.log'));
    }
    console.error(`${options.suites.length} suite(s), ${options.size} size, node ${process.version}${runtimeNote()}; results → ${outDir}; logs → ${scratchDir}`);
    progress.start();
    for (const [index, suite] of options.suites.entries()) {
      if (interrupted) break;
      progress.beginSuite(index);
      const suiteStarted = Date.now();
      const ctx: SuiteContext = {
        size: options.size,
        plan: options.suites.map((s) => s.name),
        stack,
        remote,
        outDir,
        scratchDir,
        logFile: join(scratchDir, `${suite.name}.log`),
        startedAt: suiteStarted,
        log: (line) => progress.setActivity(line),
      };
      const envelope = {
        schema: 'livecart.bench.suite/1' as const,
        suite: suite.name,
        size: options.size,
        startedAt: new Date(suiteStarted).toISOString(),
        target: { kind: isRemoteRun(remote) ? ('remote' as const) : ('local' as const), apiUrl: remote.apiUrl ?? null, realtimeUrl: remote.realtimeUrl ?? null },
        machine: machine(),
      };
      let result: SuiteResult;
      const skip = remoteSkipReason(suite, remote);
      try {
        const output = skip === null ? await suite.run(ctx) : { status: 'skipped' as const, reason: skip, method: suite.summary, rows: [], headlines: [], checks: [], charts: [], raw: null };
        const { status, reason, ...rest } = output;
        result = { ...envelope, status: status ?? 'ok', reason: reason ?? null, durationS: (Date.now() - suiteStarted) / 1000, ...rest };
      } catch (error) {
        if (interrupted) break;
        const reason = error instanceof Error ? error.message : String(error);
        result = { ...envelope, status: 'failed', reason, durationS: (Date.now() - suiteStarted) / 1000, method: suite.summary, rows: [], headlines: [], checks: [], charts: [], raw: null };
        log(`${suite.name} failed: ${reason.split('\n').slice(0, 12).join('\n')}\n(full output: ${ctx.logFile})`);
      }
      writeSuite(outDir, date, result);
      results.push(result);
      progress.endSuite(index, result.status);
    }
  } finally {
    progress.stop();
    if (!interrupted) {
      console.error('stopping what this run started…');
      await cleanupAll();
      await cleanupRealtimeHarness();
    }
  }
  if (interrupted) return 130;

  const report = writeReport(outDir, { date, size: options.size, startedAt: startedAt.toISOString(), durationS: (Date.now() - startedAt.getTime()) / 1000, command: `pnpm bench ${process.argv.slice(2).join(' ')}`.trim() }, results);
  if (options.size === 'full' && outDir === RESULTS) updateReadme(join(BENCH, 'README.md'), RESULTS, 'results');
  console.error(`\nreport: ${report}`);
  for (const result of results) console.error(`  ${result.status.padEnd(7)} ${result.suite.padEnd(18)} ${Math.round(result.durationS)} s${result.reason === null ? '' : `  ${result.reason.split('\n')[0]}`}`);
  return results.some((r) => r.status === 'failed') ? 1 : 0;
}

try {
  process.exitCode = await main();
} catch (error) {
  if (error instanceof UsageError) {
    console.error(error.message);
    process.exitCode = 2;
  } else {
    console.error(error);
    process.exitCode = 1;
    await cleanupAll();
    await cleanupRealtimeHarness();
  }
}
