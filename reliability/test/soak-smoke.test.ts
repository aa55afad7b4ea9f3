import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { skipWithoutBuilds } from '@livecart/local-services/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSoakReport, type SoakReport } from '../src/soak/report.js';
import { runSoak, SOAK_DEFAULTS } from '../src/soak/run-soak.js';
import { startStack, type Stack } from '../src/stack/stack.js';

/**
 * `pnpm test:soak` in miniature: the same runner, report and checks for 20 s with a few hundred
 * clients, so the long run's wiring cannot rot between the times someone runs it. Memory growth is
 * not judged here (20 s is all warm-up); delivery and error checks are.
 */

const skip = skipWithoutBuilds('soak-smoke', ['api', 'realtime']);

const scratch = fileURLToPath(new URL('../results/tmp/', import.meta.url));

describe.skipIf(skip)('soak runner (20 s smoke)', () => {
  let stack: Stack;
  let report: SoakReport;

  beforeAll(async () => {
    stack = await startStack();
    report = await runSoak(
      stack,
      { ...SOAK_DEFAULTS, durationMs: 20_000, warmupMs: 10_000, clients: 300, products: 60, sampleEveryMs: 1_000, bucketMs: 5_000, progressEveryMs: 10_000 },
      'soak-smoke.test.ts',
      () => {},
    );
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('accounts for every event and sees no error spike', () => {
    const byName = new Map(report.checks.map((check) => [check.name.split(' (')[0], check]));
    expect(byName.get('every event accounted for')).toMatchObject({ ok: true });
    expect(byName.get('no error spike')).toMatchObject({ ok: true });
    expect(report.events.lost).toBe(0);
    expect(report.events['deliveries expected']).toBeGreaterThan(0);
  });

  it('drove reads and writes steadily and sampled every app process', () => {
    const answered = report.reads.reduce((n, b) => n + b.ok + b.expected, 0);
    // 200 reads/s for 20 s, with a generous margin for a busy machine.
    expect(answered).toBeGreaterThan(2_000);
    expect(report.writes.reduce((n, b) => n + b.ok + b.expected, 0)).toBeGreaterThan(200);
    expect(Object.keys(report.rssTrends).sort()).toEqual(['api-1', 'api-2', 'realtime-1', 'realtime-2']);
    expect(report.rss.length).toBeGreaterThanOrEqual(15);
  });

  it('writes the Markdown report, its raw data and the charts', async () => {
    const path = await writeSoakReport(scratch, 'smoke-soak', report);
    const markdown = await readFile(path, 'utf8');
    expect(markdown).toContain('| every event accounted for | pass |');
    for (const chart of ['rss', 'throughput', 'latency']) {
      expect(markdown).toContain(`smoke-soak-${chart}.svg`);
      expect(existsSync(`${scratch}smoke-soak-${chart}.svg`)).toBe(true);
    }
    expect(JSON.parse(await readFile(`${scratch}smoke-soak.json`, 'utf8'))).toMatchObject({ durationMs: report.durationMs });
  });
});
