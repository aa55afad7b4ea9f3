import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { BENCH, RESULTS, SCRATCH, TSX_IMPORT } from '../runtime/paths.js';
import { runGroup } from '../runtime/processes.js';
import type { SuiteContext } from './context.js';

/** The JSON at `file` if it was written by a run that started at or after `since` (it carries `date`). */
function readIfFresh(file: string, since: number): unknown {
  if (!existsSync(file)) return undefined;
  const json = JSON.parse(readFileSync(file, 'utf8')) as { date?: unknown };
  return typeof json.date === 'string' && Date.parse(json.date) >= since ? json : undefined;
}

/**
 * Runs another engineer's harness entry point as it is (`node --import tsx <script> …`) in a process
 * group of its own, and returns the JSON it wrote. Where it wrote it is read from its output (both
 * harnesses print "wrote <file>" / "written to <file>"); failing that, the newest `<prefix>*.json` in
 * bench/results or bench/results/tmp written during this run. A file another run of the same harness
 * wrote meanwhile (someone else's) is told apart by its `date`.
 */
export async function runHarness(
  ctx: SuiteContext,
  script: string,
  args: string[],
  filePrefix: string,
  options: { env?: NodeJS.ProcessEnv; onStart?: (pid: number) => void } = {},
): Promise<unknown> {
  const announced: string[] = [];
  await runGroup(script, process.execPath, [...TSX_IMPORT, join(BENCH, script), ...args], {
    cwd: BENCH,
    env: { ...process.env, ...options.env },
    onStart: options.onStart,
    logFile: ctx.logFile,
    onLine: (line) => {
      const match = /(?:wrote|written to)\s+(\S+\.json)\b/.exec(line);
      if (match !== null) announced.push(isAbsolute(match[1]!) ? match[1]! : join(BENCH, match[1]!));
      ctx.log(line);
    },
    // The realtime harness stops its servers and fleet on SIGTERM; give it time to.
    graceMs: 20_000,
  });
  for (const file of announced.reverse()) {
    const json = readIfFresh(file, ctx.startedAt);
    if (json !== undefined) return json;
  }
  const candidates = [RESULTS, SCRATCH]
    .flatMap((dir) => (existsSync(dir) ? readdirSync(dir).filter((name) => name.includes(filePrefix) && name.endsWith('.json')).map((name) => join(dir, name)) : []))
    .filter((file) => statSync(file).mtimeMs >= ctx.startedAt)
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  for (const file of candidates) {
    const json = readIfFresh(file, ctx.startedAt);
    if (json !== undefined) return json;
  }
  throw new Error(`${script} finished but no JSON it wrote during this run was found (looked for "wrote <file>" in its output and *${filePrefix}*.json in bench/results)`);
}
