/**
 * Realtime broadcaster benchmark. Usage:
 *   pnpm exec tsx realtime/run.ts [--quick] [--suite density|hot|churn|ceiling|resume]... [--server <kind>]... [--duration <s>] [--rate <events/s>] [--cpu-prof <dir>] [--skip-build] [--polite]
 * Builds and starts apps/realtime (dist), the baselines and a private Redis; the server under test is
 * pinned to core 0, the client fleet, Redis and this coordinator to core 1. Prints a table and writes
 * bench/results/<date>-realtime.json. Everything it starts is stopped on exit, failure or Ctrl-C.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { repoRoot } from '@livecart/local-services/testing';
import { cleanupAll, cpuCount, pin, politeRun, PRIORITY, profileInto, raiseSessionPriority, startRedis } from './harness/processes.js';
import { SERVER_LABELS, type ServerKind } from './harness/servers.js';
import { ceiling } from './suites/ceiling.js';
import { churn } from './suites/churn.js';
import type { SuiteContext } from './suites/context.js';
import { density } from './suites/density.js';
import { hot } from './suites/hot.js';
import { resume } from './suites/resume.js';
import { printTables } from './report.js';

const SUITES = { density, hot, churn, ceiling, resume } as const;
type SuiteName = keyof typeof SUITES;
/** What a run without --suite measures (what `pnpm bench` reports); `resume` runs when asked for. */
const DEFAULT_SUITES: SuiteName[] = ['density', 'hot', 'churn', 'ceiling'];

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    suite: { type: 'string', multiple: true },
    /** Only these servers of each suite (e.g. `--server ours` to profile one); default: all. */
    server: { type: 'string', multiple: true },
    duration: { type: 'string', default: '30' },
    rate: { type: 'string', default: '2000' },
    'skip-build': { type: 'boolean', default: false },
    /** Servers and client workers write V8 CPU profiles (`.cpuprofile`) into this directory. */
    'cpu-prof': { type: 'string' },
    /** Leave every priority as it is (see politeRun): for a machine whose other work must not be disturbed. */
    polite: { type: 'boolean', default: false },
  },
});
const chosen = (values.suite ?? DEFAULT_SUITES) as SuiteName[];
for (const name of chosen) if (!(name in SUITES)) throw new Error(`unknown suite ${name}; expected ${Object.keys(SUITES).join(', ')}`);
const servers = values.server as ServerKind[] | undefined;
for (const kind of servers ?? []) if (!(kind in SERVER_LABELS)) throw new Error(`unknown server ${kind}; expected ${Object.keys(SERVER_LABELS).join(', ')}`);

let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    interrupted = true;
    console.error(`\n${signal}: stopping everything this run started…`);
    void cleanupAll().finally(() => process.exit(130));
  });
}

const log = (line: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`);

async function main(): Promise<void> {
  if (cpuCount() < 2) throw new Error('needs 2 cores: one for the server, one for the client fleet');
  const [serverCpus, clientCpus] = ['0', '1'];
  if (values.polite) politeRun();
  pin(process.pid, clientCpus, PRIORITY.coordinator);
  log(raiseSessionPriority(PRIORITY.coordinator));
  if (!values['skip-build']) {
    log('building @livecart/realtime and its dependencies (turbo, cached when unchanged)…');
    execFileSync('pnpm', ['exec', 'turbo', 'run', 'build', '--filter=@livecart/realtime', '--output-logs=errors-only'], {
      cwd: repoRoot,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
  if (values['cpu-prof'] !== undefined) {
    await mkdir(values['cpu-prof'], { recursive: true });
    profileInto(values['cpu-prof']);
  }
  const redis = await startRedis(clientCpus);
  log(`redis on ${redis.url} (core ${clientCpus}); servers on core ${serverCpus}; clients on core ${clientCpus}`);
  const runId = Date.now().toString(36);
  const ctx: SuiteContext = {
    quick: values.quick,
    durationS: Number(values.duration),
    churnRate: Number(values.rate),
    redisUrl: redis.url,
    serverCpus,
    clientCpus,
    localAddresses: ['127.0.0.1', '127.0.0.2', '127.0.0.3', '127.0.0.4'],
    prefix: (label) => `bench:${runId}:${label}`,
    runs: (kind) => servers === undefined || servers.includes(kind),
    log,
  };
  const results: Record<string, unknown> = {};
  const started = Date.now();
  for (const name of chosen) {
    if (interrupted) return;
    log(`— suite ${name} —`);
    results[name] = await SUITES[name](ctx);
  }
  const output = {
    date: new Date().toISOString(),
    mode: values.quick ? 'quick' : 'full',
    options: { suites: chosen, churnRate: ctx.churnRate, churnDurationS: ctx.durationS },
    machine: { cpus: cpus().length, model: cpus()[0]?.model, memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version },
    servers: SERVER_LABELS,
    seconds: Math.round((Date.now() - started) / 1000),
    results,
  };
  printTables(output.results);
  const dir = `${repoRoot}bench/results`;
  await mkdir(dir, { recursive: true });
  // A partial or non-default run gets a name of its own instead of replacing the day's full results.
  const partial = `${values.suite === undefined ? '' : `-${chosen.join('-')}`}${values.polite ? '-polite' : ''}${servers === undefined ? '' : `-${servers.join('-')}`}`;
  const rate = values.rate === '2000' ? '' : `-rate${values.rate}`;
  const duration = values.duration === '30' ? '' : `-${values.duration}s`;
  const file = `${dir}/${output.date.slice(0, 10)}-realtime${values.quick ? '-quick' : ''}${partial}${rate}${duration}.json`;
  await writeFile(file, `${JSON.stringify(output, null, 2)}\n`);
  log(`wrote ${file}`);
}

try {
  await main();
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  await cleanupAll();
}
