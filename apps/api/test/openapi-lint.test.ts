import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from './helpers.js';

const require = createRequire(import.meta.url);
const redoclyBin = join(dirname(require.resolve('@redocly/cli/package.json')), 'bin', 'cli.js');
const config = fileURLToPath(new URL('../redocly.yaml', import.meta.url));

interface LintProblem {
  ruleId: string;
  severity: 'error' | 'warn';
  message: string;
  location: { pointer?: string }[];
}

const networkTrace = fileURLToPath(new URL('./network-trace.mjs', import.meta.url));

/**
 * `redocly lint` (the recommended rules, redocly.yaml) of a document, with every network attempt it makes
 * recorded (network-trace.mjs). Usage data is off through redocly.yaml alone: REDOCLY_TELEMETRY is removed
 * from its environment, so the file's setting is what is tested (without it, redocly sends a usage report
 * to otel.cloud.redocly.com after each run).
 */
function lint(document: unknown, dir: string): { status: number | null; problems: LintProblem[]; network: string[] } {
  const file = join(dir, 'openapi.json');
  const trace = join(dir, 'network.log');
  writeFileSync(file, JSON.stringify(document));
  writeFileSync(trace, '');
  const { REDOCLY_TELEMETRY: _off, ...env } = process.env;
  const result = spawnSync(process.execPath, ['--import', networkTrace, redoclyBin, 'lint', file, '--config', config, '--format', 'json'], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...env, NETWORK_TRACE_FILE: trace, REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
  });
  if (result.error) throw result.error;
  const start = result.stdout.indexOf('{');
  const report = JSON.parse(start === -1 ? '{}' : result.stdout.slice(start)) as { problems?: LintProblem[] };
  if (report.problems === undefined) throw new Error(`redocly printed no report:\n${result.stdout}\n${result.stderr}`);
  return { status: result.status, problems: report.problems, network: readFileSync(trace, 'utf8').split('\n').filter(Boolean) };
}

const describeProblem = (problem: LintProblem) => `${problem.severity} ${problem.ruleId} at ${problem.location[0]?.pointer ?? '?'}: ${problem.message}`;

let ctx: TestContext;
let document: Record<string, unknown>;
let dir: string;

beforeAll(async () => {
  ctx = await createTestContext('openapi-lint');
  const app = await ctx.app({ API_DOCS_ENABLED: 'true' });
  const answer = await app.inject({ url: '/docs/json' });
  expect(answer.statusCode).toBe(200);
  document = answer.json();
  dir = mkdtempSync(join(tmpdir(), 'livecart-openapi-'));
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await ctx.close();
});

describe('redocly lint of /docs/json (recommended rules)', () => {
  it('finds no error and no warning, offline (no network attempt at all)', () => {
    const { status, problems, network } = lint(document, dir);
    expect(problems.map(describeProblem)).toEqual([]);
    expect(status).toBe(0);
    expect(network).toEqual([]);
  }, 60_000);

  it('reports what the document used to get wrong: a public operation without `security`, no servers, no operationId', () => {
    const paths = structuredClone(document.paths) as Record<string, Record<string, Record<string, unknown>>>;
    delete paths['/v1/products']!.get!.security;
    delete paths['/v1/products']!.get!.operationId;
    const { status, problems } = lint({ ...document, paths, servers: [] }, dir);
    expect(status).not.toBe(0);
    expect(problems.map((problem) => problem.ruleId)).toEqual(expect.arrayContaining(['security-defined', 'no-empty-servers', 'operation-operationId']));
  }, 60_000);

  it('records a network attempt when one is made (the offline check above can fail)', () => {
    const trace = join(dir, 'network.log');
    writeFileSync(trace, '');
    const result = spawnSync(process.execPath, ['--import', networkTrace, '--eval', "fetch('http://127.0.0.1:59999/').catch(() => {})"], {
      encoding: 'utf8',
      env: { ...process.env, NETWORK_TRACE_FILE: trace },
    });
    expect(result.status).toBe(0);
    expect(readFileSync(trace, 'utf8')).toMatch(/^undici request http:\/\/127\.0\.0\.1:59999\/$/m);
  });
});
