import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SUITE_NAMES, SuiteResultSchema } from '../src/report/schema.js';
import { BENCH } from '../src/runtime/paths.js';
import { xmlProblems } from './xml.js';

/**
 * Runs `pnpm bench --tiny` (every suite, smallest sizes) into a temporary directory and checks that each
 * suite ran and left a well-formed result. Figures are not judged here: a smoke run on a shared machine
 * proves only that the machinery works. Full runs never run in CI.
 */
const out = mkdtempSync(join(tmpdir(), 'livecart-bench-smoke-'));
let exitCode: number | null = null;
let output = '';

beforeAll(async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', '--tiny', '--out', out], { cwd: BENCH, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  exitCode = await new Promise((resolve) => child.once('close', resolve));
}, 480_000);

afterAll(() => rmSync(out, { recursive: true, force: true }));

const files = () => readdirSync(out);

describe('pnpm bench --tiny', () => {
  it('finishes with exit code 0', () => {
    expect(exitCode, output.slice(-4000)).toBe(0);
  });

  it.each(SUITE_NAMES)('writes a schema-valid, successful result for %s', (suite) => {
    const file = files().find((name) => name.endsWith(`-${suite}.json`));
    expect(file, `no result file for ${suite}`).toBeDefined();
    const result = SuiteResultSchema.parse(JSON.parse(readFileSync(join(out, file!), 'utf8')));
    expect(result.status, result.reason ?? '').toBe('ok');
    expect(result.size).toBe('tiny');
    expect(result.rows.length).toBeGreaterThan(0);
    expect(result.headlines.length).toBeGreaterThan(0);
  });

  it('writes a report that covers every suite and links charts that exist', () => {
    const report = files().find((name) => name.endsWith('-report.md'));
    expect(report).toBeDefined();
    const text = readFileSync(join(out, report!), 'utf8');
    for (const suite of SUITE_NAMES) expect(text).toContain(`### ${suite}`);
    const linked = [...text.matchAll(/!\[[^\]]*\]\(([^)]+\.svg)\)/g)].map((m) => m[1]!);
    expect(linked.length).toBeGreaterThanOrEqual(SUITE_NAMES.length);
    for (const svg of linked) expect(existsSync(join(out, svg)), svg).toBe(true);
  });

  it('writes SVG charts that parse', () => {
    const svgs = files().filter((name) => name.endsWith('.svg'));
    expect(svgs.length).toBeGreaterThan(0);
    for (const svg of svgs) {
      const text = readFileSync(join(out, svg), 'utf8');
      expect(text.startsWith('<svg xmlns="http://www.w3.org/2000/svg"'), svg).toBe(true);
      expect(xmlProblems(text), svg).toEqual([]);
    }
  });
});
