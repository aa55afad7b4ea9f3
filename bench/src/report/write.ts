import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chartFile, readmeSection, renderReport, replaceSection, type RunMeta } from './markdown.js';
import { SUITE_NAMES, SuiteResultSchema, type SuiteResult } from './schema.js';
import { renderChart } from './svg.js';

/** `<date>-<suite>.json`: date and suite. */
const RESULT_FILE = /^(\d{4}-\d\d-\d\d)-([a-z0-9-]+)\.json$/;

/** Writes `<date>-<suite>.json` (checked against the schema first) and one SVG per chart. */
export function writeSuite(dir: string, date: string, result: SuiteResult): string {
  const checked = SuiteResultSchema.parse(result);
  const file = join(dir, `${date}-${checked.suite}.json`);
  writeFileSync(file, `${JSON.stringify(checked, null, 2)}\n`);
  for (const chart of checked.charts) writeFileSync(join(dir, chartFile(date, chart)), renderChart(chart));
  return file;
}

/**
 * `<date>-report.md` for a run of every suite; a run of some suites gets a name of its own
 * (`<date>-report-api-e2e.md`) so that it never replaces the day's full report.
 */
export function writeReport(dir: string, meta: RunMeta, results: SuiteResult[]): string {
  const all = SUITE_NAMES.every((suite) => results.some((r) => r.suite === suite));
  const file = join(dir, `${meta.date}-report${all ? '' : `-${results.map((r) => r.suite).join('-')}`}.md`);
  writeFileSync(file, renderReport(results, meta));
  return file;
}

/** The newest full-size, successful result of each suite among `<date>-<suite>.json` in `dir`. */
export function latestFullResults(dir: string): { date: string; result: SuiteResult }[] {
  const newest = new Map<string, { date: string; result: SuiteResult }>();
  for (const name of existsSync(dir) ? readdirSync(dir).sort() : []) {
    const match = RESULT_FILE.exec(name);
    if (match === null || !(SUITE_NAMES as readonly string[]).includes(match[2]!)) continue;
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(join(dir, name), 'utf8'));
    } catch {
      continue;
    }
    // A harness may have left its own file under the same name: only our envelope counts.
    const parsed = SuiteResultSchema.safeParse(json);
    if (!parsed.success || parsed.data.size !== 'full' || parsed.data.status !== 'ok') continue;
    newest.set(parsed.data.suite, { date: match[1]!, result: parsed.data });
  }
  return SUITE_NAMES.flatMap((suite) => {
    const entry = newest.get(suite);
    return entry === undefined ? [] : [entry];
  });
}

/** Draws the SVGs of every suite result in `dir` again from its stored data (after a change to the charts). */
export function renderStoredCharts(dir: string): number {
  let count = 0;
  for (const name of existsSync(dir) ? readdirSync(dir) : []) {
    const match = RESULT_FILE.exec(name);
    if (match === null || !(SUITE_NAMES as readonly string[]).includes(match[2]!)) continue;
    const parsed = SuiteResultSchema.safeParse(JSON.parse(readFileSync(join(dir, name), 'utf8')));
    if (!parsed.success) continue;
    for (const chart of parsed.data.charts) writeFileSync(join(dir, chartFile(match[1]!, chart)), renderChart(chart));
    count += parsed.data.charts.length;
  }
  return count;
}

/** Rewrites the generated section of bench/README.md from the newest full results in `resultsDir`. */
export function updateReadme(readmePath: string, resultsDir: string, chartsPath: string): void {
  const readme = existsSync(readmePath) ? readFileSync(readmePath, 'utf8') : '';
  const latest = latestFullResults(resultsDir);
  // The full reports of the days those results come from.
  const reports = [...new Set(latest.map((l) => `${l.date}-report.md`))].filter((name) => existsSync(join(resultsDir, name)));
  writeFileSync(readmePath, replaceSection(readme, readmeSection(latest, chartsPath, reports)));
}
