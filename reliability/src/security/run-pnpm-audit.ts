import { spawn } from 'node:child_process';
import { parseAuditReport, type Advisory } from './audit-report.js';

export type AuditOutcome = { kind: 'report'; advisories: Advisory[] } | { kind: 'unavailable'; why: string };

/**
 * `pnpm audit --prod --json` in `cwd`. pnpm exits non-zero both when it finds advisories and when it
 * cannot ask the advisory service, so the verdict comes from its JSON, never from the exit code.
 */
export function runPnpmAudit(cwd: string, timeoutMs: number): Promise<AuditOutcome> {
  return new Promise((resolve) => {
    const child = spawn('pnpm', ['audit', '--prod', '--json'], { cwd, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      resolve({ kind: 'unavailable', why: `could not run pnpm: ${error.message}` });
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8').trim().slice(0, 500);
      if (signal === 'SIGKILL') return resolve({ kind: 'unavailable', why: `pnpm audit gave no answer within ${timeoutMs} ms` });
      try {
        resolve({ kind: 'report', advisories: parseAuditReport(JSON.parse(stdout)) });
      } catch (error) {
        const detail = error instanceof SyntaxError ? `exit ${code}, output not JSON: ${stdout.slice(0, 300)} ${stderr}` : (error as Error).message;
        resolve({ kind: 'unavailable', why: detail });
      }
    });
  });
}
