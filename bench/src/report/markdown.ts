import type { Chart, Headline, Row, SuiteResult } from './schema.js';

/** The SVG file of one chart of a run (charts are named by the run's date, like the JSON). */
export const chartFile = (date: string, chart: Chart) => `${date}-${chart.id}.svg`;

const dash = '—';

function cell(value: number | string | null | undefined): string {
  if (value === null || value === undefined || (typeof value === 'number' && !Number.isFinite(value))) return dash;
  if (typeof value === 'string') return value.replace(/\|/g, '\\|');
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString('en');
  return String(Math.round(value * 100) / 100);
}

function table(header: string[], rows: string[][], align: ('l' | 'r')[] = []): string {
  const sep = header.map((_, i) => ((align[i] ?? 'r') === 'l' ? ':--' : '--:'));
  return [header, sep, ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
}

export function targetText(headline: Headline): string {
  return headline.target === null ? dash : `${headline.target.op === '>=' ? '≥' : '≤'} ${headline.target.value}${headline.unit === '×' ? '×' : headline.unit === '' ? '' : ` ${headline.unit}`}`;
}

export function verdict(headline: Headline): string {
  if (headline.target === null || headline.value === null) return '';
  const met = headline.target.op === '>=' ? headline.value >= headline.target.value : headline.value <= headline.target.value;
  return met ? '✅ met' : '❌ missed';
}

const valueText = (h: Headline) => (h.value === null ? dash : `${cell(h.value)}${h.unit === '×' ? '×' : h.unit === '' ? '' : ` ${h.unit}`}`);

function perRunText(h: Headline): string {
  if (h.perRun.length <= 1) return h.perRun.length === 1 ? '1' : dash;
  const shown = h.perRun.slice(0, 20).map((v) => cell(v));
  return `${h.perRun.length}: ${shown.join(', ')}${h.perRun.length > 20 ? ', …' : ''}`;
}

/** One table of every suite's headline figures, with targets and per-run values. */
export function headlineTable(results: SuiteResult[]): string {
  const rows = results.flatMap((r) =>
    r.status === 'ok' ? r.headlines.map((h) => [h.label, `**${valueText(h)}**`, targetText(h), perRunText(h), verdict(h), `\`${r.suite}\``]) : [],
  );
  if (rows.length === 0) return '_No suite produced figures._';
  return table(['figure', 'value (median)', 'target', 'runs: values', '', 'suite'], rows, ['l', 'r', 'r', 'l', 'l', 'l']);
}

function rowsTable(rows: Row[]): string {
  const standard: [keyof Row, string][] = [
    ['throughput', 'throughput'],
    ['p50Ms', 'p50 ms'],
    ['p95Ms', 'p95 ms'],
    ['p99Ms', 'p99 ms'],
    ['errors', 'errors'],
    ['rssMb', 'RSS MB'],
    ['cpuPercent', 'CPU %'],
  ];
  const present = standard.filter(([key]) => rows.some((r) => r[key] !== null));
  const extras = [...new Set(rows.flatMap((r) => Object.keys(r.extra)))];
  const header = ['', ...present.map(([, label]) => label), 'runs', ...extras];
  const body = rows.map((r) => [
    r.role === 'ours' ? `**${cell(r.label)}**` : cell(r.label),
    ...present.map(([key]) => (key === 'throughput' && r.throughput !== null ? `${cell(r.throughput)} ${r.throughputUnit}` : cell(r[key] as number | null))),
    String(r.runs),
    ...extras.map((key) => cell(r.extra[key])),
  ]);
  return table(header, body, ['l']);
}

export interface RunMeta {
  date: string;
  size: string;
  startedAt: string;
  durationS: number;
  command: string;
}

function machineLine(result: SuiteResult): string {
  const m = result.machine;
  return `${m.cpus} × ${m.model}, ${m.memoryGb} GB, Node ${m.node}`;
}

const minutes = (s: number) => `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;

/** The Markdown report of one run: headlines, then each suite's method, table, checks and charts. */
export function renderReport(results: SuiteResult[], meta: RunMeta): string {
  const first = results[0];
  const lines = [
    `# livecart bench — ${meta.date} (${meta.size} run)`,
    '',
    `\`${meta.command}\`, started ${meta.startedAt}, ${minutes(meta.durationS)} in all.`,
    first === undefined ? '' : `Machine: ${machineLine(first)}; load average at the start ${first.machine.loadAverage.map((l) => l.toFixed(2)).join(' / ')}.`,
    '',
    'Servers under test run on core 0, load generators and client fleets on core 1. The machine is a noisy',
    'shared VM: absolute figures move from run to run, so every comparison is a ratio against a baseline',
    'measured in the same run, and figures are medians over the runs listed.',
    '',
    '## Headlines',
    '',
    headlineTable(results),
    '',
    '## Suites',
    '',
    table(
      ['suite', 'status', 'time', 'what'],
      results.map((r) => [`[\`${r.suite}\`](#${r.suite})`, r.status === 'ok' ? 'ok' : `**${r.status}**`, `${Math.round(r.durationS)} s`, cell(r.method.split(';')[0] ?? '')]),
      ['l', 'l', 'r', 'l'],
    ),
    '',
  ];
  for (const result of results) {
    lines.push(`### ${result.suite}`, '');
    if (result.status !== 'ok') {
      lines.push(`**${result.status}**: ${result.reason ?? 'no reason given'}`, '');
      continue;
    }
    lines.push(`_${result.method}_`, '');
    if (result.rows.length > 0) lines.push(rowsTable(result.rows), '');
    if (result.checks.length > 0) lines.push(`Artillery \`ensure\`: ${result.checks.map((c) => `${c.ok ? '✅' : '❌'} \`${c.name}\``).join(', ')}`, '');
    for (const chart of result.charts) lines.push(`![${chart.title}](${chartFile(meta.date, chart)})`, '');
  }
  return `${lines.join('\n').replace(/\n{3,}/g, '\n\n')}\n`;
}

export const README_START = '<!-- bench:latest:start -->';
export const README_END = '<!-- bench:latest:end -->';

/** The charts the README shows (the report has them all). */
const README_CHARTS = new Set([
  'api-throughput',
  'next-throughput',
  'next-latency',
  'realtime-density',
  'realtime-hot',
  'realtime-churn-latency',
  'realtime-ceiling',
  'read-latency',
  'ws-memory',
  'e2e-per-write',
  'e2e-cdf',
]);

/**
 * The README's "latest results" section: the newest full-size result of each suite (files in
 * bench/results), their headline table and the most telling charts; `reports` links the full reports.
 */
export function readmeSection(latest: { date: string; result: SuiteResult }[], chartsPath: string, reports: string[] = []): string {
  if (latest.length === 0) return `${README_START}\n_No full run yet: \`pnpm bench\` writes one._\n${README_END}`;
  const dates = [...new Set(latest.map((l) => l.date))].sort();
  const first = latest[0]!.result;
  const parts = [
    README_START,
    `_Generated by \`pnpm bench\` from the newest full-size result of each suite (${dates.join(', ')}); machine: ${machineLine(first)}.${
      reports.length === 0 ? '' : ` Every table and chart: ${reports.map((r) => `[${r}](${chartsPath}/${r})`).join(', ')}.`
    }_`,
    '',
    headlineTable(latest.map((l) => l.result)),
    '',
  ];
  for (const { date, result } of latest) {
    const charts = result.status === 'ok' ? result.charts.filter((chart) => README_CHARTS.has(chart.id)) : [];
    if (charts.length === 0) continue;
    parts.push(`#### ${result.suite}`, '', charts.map((chart) => `![${chart.title}](${chartsPath}/${chartFile(date, chart)})`).join('\n'), '');
  }
  parts.push(README_END);
  return parts.join('\n');
}

export function replaceSection(readme: string, section: string): string {
  const start = readme.indexOf(README_START);
  const end = readme.indexOf(README_END);
  if (start === -1 || end === -1 || end < start) return `${readme.trimEnd()}\n\n${section}\n`;
  return `${readme.slice(0, start)}${section}${readme.slice(end + README_END.length)}`;
}
