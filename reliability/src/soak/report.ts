import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderChart } from '@livecart/bench/charts';
import type { RssSample } from './rss-sampler.js';
import type { Bucket } from './tally.js';
import type { Trend } from './trend.js';

export interface SoakCheck {
  name: string;
  ok: boolean;
  detail: string;
}

export interface SoakReport {
  startedAt: string;
  command: string;
  durationMs: number;
  loadAverage: number[];
  settings: Record<string, number | string>;
  bucketMs: number;
  reads: Bucket[];
  writes: Bucket[];
  rss: RssSample[];
  /** RSS growth trend per process after the warm-up. */
  rssTrends: Record<string, Trend>;
  events: Record<string, number>;
  checks: SoakCheck[];
  errorExamples: string[];
}

const MB = 1024 * 1024;
const minutes = (ms: number) => +(ms / 60_000).toFixed(2);
const perSecond = (count: number, bucketMs: number) => +(count / (bucketMs / 1_000)).toFixed(1);

type LineChart = Parameters<typeof renderChart>[0] & { kind: 'line' };

function charts(report: SoakReport): LineChart[] {
  const names = Object.keys(report.rssTrends);
  const throughput = (buckets: Bucket[], pick: (b: Bucket) => number) => buckets.map((b) => [minutes(b.atMs), perSecond(pick(b), report.bucketMs)] as [number, number]);
  return [
    {
      kind: 'line',
      id: 'soak-rss',
      title: 'Resident memory of every process during the soak',
      xLabel: 'minutes',
      yLabel: 'RSS (MB)',
      xLog: false,
      series: names.map((name) => ({
        name,
        role: 'ours' as const,
        points: report.rss.filter((s) => s.rss[name] !== undefined).map((s) => [minutes(s.atMs), +(s.rss[name]! / MB).toFixed(1)] as [number, number]),
      })),
    },
    {
      kind: 'line',
      id: 'soak-throughput',
      title: 'Requests per second, and errors, during the soak',
      xLabel: 'minutes',
      yLabel: 'requests/s',
      xLog: false,
      series: [
        { name: 'reads answered', role: 'ours', points: throughput(report.reads, (b) => b.ok + b.expected) },
        { name: 'writes answered', role: 'ours', points: throughput(report.writes, (b) => b.ok + b.expected) },
        { name: 'errors', role: 'baseline', points: throughput([...report.reads, ...report.writes].sort((a, b) => a.atMs - b.atMs), (b) => b.errors) },
      ],
    },
    {
      kind: 'line',
      id: 'soak-latency',
      title: 'API latency p99 per interval during the soak',
      xLabel: 'minutes',
      yLabel: 'ms',
      xLog: false,
      series: [
        { name: 'reads p99', role: 'ours', points: report.reads.map((b) => [minutes(b.atMs), b.p99Ms] as [number, number]) },
        { name: 'writes p99', role: 'ours', points: report.writes.map((b) => [minutes(b.atMs), b.p99Ms] as [number, number]) },
      ],
    },
  ];
}

function markdown(report: SoakReport, chartFiles: string[], base: string): string {
  const sum = (buckets: Bucket[], pick: (b: Bucket) => number) => buckets.reduce((total, b) => total + pick(b), 0);
  const lines = [
    `# Soak run ${report.startedAt}`,
    '',
    `Command: \`${report.command}\` — ${minutes(report.durationMs)} minutes, load average at the end ${report.loadAverage.map((l) => l.toFixed(2)).join(' / ')}.`,
    '',
    '| setting | value |',
    '|---|---|',
    ...Object.entries(report.settings).map(([key, value]) => `| ${key} | ${value} |`),
    '',
    '## Checks',
    '',
    '| check | result | detail |',
    '|---|---|---|',
    ...report.checks.map((c) => `| ${c.name} | ${c.ok ? 'pass' : '**FAIL**'} | ${c.detail} |`),
    '',
    '## Requests',
    '',
    '| | answered | expected 4xx | errors |',
    '|---|---|---|---|',
    `| reads | ${sum(report.reads, (b) => b.ok)} | ${sum(report.reads, (b) => b.expected)} | ${sum(report.reads, (b) => b.errors)} |`,
    `| writes | ${sum(report.writes, (b) => b.ok)} | ${sum(report.writes, (b) => b.expected)} | ${sum(report.writes, (b) => b.errors)} |`,
    '',
    '## Events',
    '',
    '| | count |',
    '|---|---|',
    ...Object.entries(report.events).map(([key, value]) => `| ${key} | ${value} |`),
    '',
    '## Memory (after the warm-up)',
    '',
    '| process | trend start (MB) | trend end (MB) | growth | min (MB) | max (MB) |',
    '|---|---|---|---|---|---|',
    ...Object.entries(report.rssTrends).map(
      ([name, t]) =>
        `| ${name} | ${(t.start / MB).toFixed(1)} | ${(t.end / MB).toFixed(1)} | ${(t.growth * 100).toFixed(1)} % | ${(t.min / MB).toFixed(1)} | ${(t.max / MB).toFixed(1)} |`,
    ),
    '',
    ...chartFiles.map((file) => `![${file}](${file})`),
    '',
  ];
  if (report.errorExamples.length > 0) lines.push('## First errors', '', ...report.errorExamples.map((e) => `- \`${e}\``), '');
  lines.push(`Raw data: [${base}.json](${base}.json)`, '');
  return lines.join('\n');
}

/** Writes `<base>.json`, `<base>.md` and one SVG chart per figure into `dir`; returns the Markdown path. */
export async function writeSoakReport(dir: string, base: string, report: SoakReport): Promise<string> {
  await mkdir(dir, { recursive: true });
  const files: string[] = [];
  for (const chart of charts(report)) {
    const file = `${base}-${chart.id.replace(/^soak-/, '')}.svg`;
    await writeFile(join(dir, file), renderChart(chart));
    files.push(file);
  }
  await writeFile(join(dir, `${base}.json`), `${JSON.stringify(report, null, 1)}\n`);
  const md = join(dir, `${base}.md`);
  await writeFile(md, markdown(report, files, base));
  return md;
}
