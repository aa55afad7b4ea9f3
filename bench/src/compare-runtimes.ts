/**
 * `pnpm --filter @livecart/bench run compare-runtimes` — the same suites, the same code, under two Node.js
 * builds, interleaved (A B, B A, A B, …) so that a machine that gets busier or quieter over the run
 * weighs on both alike. Each run is a whole `pnpm bench --suite …` under that node (every process the
 * server the bench starts uses `process.execPath`), while the load generators and client fleets run on
 * the node running this script (LIVECART_BENCH_LOAD_NODE), so only the servers change runtime. The api
 * is rebuilt under that node first, so its start-up code cache belongs to the runtime that reads it.
 * Prints and writes a table of medians and their ratios.
 *
 *   pnpm --filter @livecart/bench run compare-runtimes -- --node /usr/bin/node --rounds 3
 *
 * --node names the other runtime (the one running this script is the first); --suite as for `pnpm bench`
 * (default: api, realtime-density, realtime-hot, realtime-ceiling); --quick for small sizes.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { SuiteResultSchema, type SuiteResult } from './report/schema.js';
import { BENCH, REPO, SCRATCH, TSX_IMPORT } from './runtime/paths.js';
import { median } from './stats.js';

const DEFAULT_SUITES = ['api', 'realtime-density', 'realtime-hot', 'realtime-ceiling'];

interface Runtime {
  node: string;
  version: string;
}

function parse() {
  const { values } = parseArgs({
    args: process.argv.slice(2).filter((arg) => arg !== '--'),
    options: {
      node: { type: 'string' },
      rounds: { type: 'string', default: '3' },
      suite: { type: 'string', multiple: true },
      quick: { type: 'boolean', default: false },
      out: { type: 'string' },
    },
  });
  if (values.node === undefined) throw new Error('--node <path of the other node binary> is required');
  const rounds = Number(values.rounds);
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds must be a positive integer, not ${values.rounds}`);
  return { other: values.node, rounds, suites: values.suite ?? DEFAULT_SUITES, quick: values.quick, out: values.out };
}

function run(command: string, args: string[], options: { cwd: string; node: string }): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: {
        ...process.env,
        // The node under test first on PATH, so the api build (tsc, tsx) runs on it too.
        PATH: `${dirname(options.node)}:${process.env.PATH ?? ''}`,
        // Servers run on the bench's own node (process.execPath); load generators and client fleets stay
        // on this one, so the load is the same whatever runtime serves it.
        LIVECART_BENCH_LOAD_NODE: process.execPath,
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.once('error', reject);
    child.once('exit', (code, signal) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited with ${code ?? signal}`))));
  });
}

function versionOf(node: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(node, ['--version'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('error', reject);
    child.once('exit', () => resolve(out.trim()));
  });
}

function readResults(dir: string): SuiteResult[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .flatMap((name) => {
      const parsed = SuiteResultSchema.safeParse(JSON.parse(readFileSync(join(dir, name), 'utf8')));
      return parsed.success && parsed.data.status === 'ok' ? [parsed.data] : [];
    });
}

/** One figure a suite reports, keyed so that the runs of both runtimes line up. */
interface Figure {
  key: string;
  suite: string;
  label: string;
  unit: string;
  /** Whether a larger value is better (throughput) or worse (latency, memory). */
  higherIsBetter: boolean;
}

function figuresOf(result: SuiteResult): { figure: Figure; value: number }[] {
  const out: { figure: Figure; value: number }[] = [];
  for (const headline of result.headlines) {
    if (headline.value === null) continue;
    // Ratios against a same-run baseline: higher is better unless the target caps them.
    const higherIsBetter = headline.target === null ? headline.unit === '×' && !/rss|memory|last of/i.test(headline.label) : headline.target.op === '>=';
    out.push({ figure: { key: `${result.suite}/h/${headline.name}`, suite: result.suite, label: headline.label, unit: headline.unit, higherIsBetter }, value: headline.value });
  }
  for (const row of result.rows) {
    const add = (column: string, value: number | null, unit: string, higherIsBetter: boolean) => {
      if (value === null) return;
      out.push({ figure: { key: `${result.suite}/r/${row.name}/${column}`, suite: result.suite, label: `${row.label}: ${column}`, unit, higherIsBetter }, value });
    };
    add('throughput', row.throughput, row.throughputUnit, true);
    add('p50', row.p50Ms, 'ms', false);
    add('p99', row.p99Ms, 'ms', false);
    add('RSS', row.rssMb, 'MB', false);
  }
  return out;
}

const fmt = (value: number) => (Math.abs(value) >= 100 ? String(Math.round(value)) : String(Math.round(value * 100) / 100));

async function main(): Promise<void> {
  const options = parse();
  const runtimes: Runtime[] = [
    { node: process.execPath, version: process.version },
    { node: options.other, version: await versionOf(options.other) },
  ];
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const scratch = join(SCRATCH, `runtimes-${stamp}`);
  const values = new Map<string, { figure: Figure; perRuntime: number[][] }>();

  const total = options.rounds * runtimes.length;
  let done = 0;
  for (let round = 0; round < options.rounds; round++) {
    // A B, then B A: each runtime goes first as often as the other.
    const order = round % 2 === 0 ? [0, 1] : [1, 0];
    for (const index of order) {
      const runtime = runtimes[index]!;
      done++;
      console.error(`\n[compare-runtimes] run ${done}/${total}: round ${round + 1}, node ${runtime.version} (${runtime.node})`);
      await run('pnpm', ['--filter', '@livecart/api', 'run', 'build'], { cwd: REPO, node: runtime.node });
      const out = join(scratch, `${runtime.version}-round${round + 1}`);
      mkdirSync(out, { recursive: true });
      const args = [...TSX_IMPORT, join(BENCH, 'src/cli.ts'), '--skip-build', '--out', out, ...(options.quick ? ['--quick'] : []), ...options.suites.flatMap((s) => ['--suite', s])];
      await run(runtime.node, args, { cwd: BENCH, node: runtime.node });
      for (const result of readResults(out)) {
        for (const { figure, value } of figuresOf(result)) {
          const entry = values.get(figure.key) ?? { figure, perRuntime: runtimes.map(() => []) };
          entry.perRuntime[index]!.push(value);
          values.set(figure.key, entry);
        }
      }
    }
  }

  const [a, b] = runtimes as [Runtime, Runtime];
  const lines = [
    `Same code, interleaved runs, medians of ${options.rounds} round(s) per runtime${options.quick ? ' (quick size)' : ''}; ratio = ${a.version} / ${b.version}.`,
    `Command: \`pnpm --filter @livecart/bench run compare-runtimes -- --node ${b.node} --rounds ${options.rounds}${options.suites === DEFAULT_SUITES ? '' : options.suites.map((s) => ` --suite ${s}`).join('')}${options.quick ? ' --quick' : ''}\` (run under ${a.version}).`,
    '',
    `| suite | figure | ${b.version} | ${a.version} | ratio | better on |`,
    '| --- | --- | ---: | ---: | ---: | --- |',
  ];
  for (const { figure, perRuntime } of values.values()) {
    const [ofA, ofB] = [median(perRuntime[0]!), median(perRuntime[1]!)];
    if (Number.isNaN(ofA) || Number.isNaN(ofB)) continue;
    const ratio = ofB === 0 ? null : ofA / ofB;
    const better = ratio === null || Math.abs(ratio - 1) < 0.03 ? '≈ same' : (ratio > 1) === figure.higherIsBetter ? a.version : b.version;
    lines.push(`| ${figure.suite} | ${figure.label} | ${fmt(ofB)} ${figure.unit} | ${fmt(ofA)} ${figure.unit} | ${ratio === null ? '—' : `${fmt(ratio)}×`} | ${better} |`);
  }
  const table = `${lines.join('\n')}\n`;
  const file = options.out ?? join(scratch, 'runtimes.md');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, table);
  console.log(`\n${table}`);
  console.error(`[compare-runtimes] table written to ${file}; every run's results under ${scratch}`);
}

await main();
