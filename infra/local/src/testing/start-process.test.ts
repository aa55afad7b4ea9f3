import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFreePort } from '../ports.js';
import { waitUntil, WaitTimeoutError } from '../wait.js';
import { startProcess } from './start-process.js';

/** Running, as opposed to gone or a zombie. */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

// Answers 200 on PORT, prints the pid of a child it starts, and shrugs off SIGTERM as a stuck server would.
const SERVER = `
const { spawn } = require('node:child_process');
const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
console.log('child ' + child.pid);
process.on('SIGTERM', () => {});
require('node:http').createServer((_, res) => res.end('ok')).listen(Number(process.env.PORT), '127.0.0.1');
`;

describe('waitUntil', () => {
  it('returns the first value that is neither undefined nor false', async () => {
    let calls = 0;
    expect(await waitUntil(() => (++calls < 3 ? undefined : calls), { what: 'a third call', intervalMs: 1 })).toBe(3);
  });

  it('names what it waited for when time runs out', async () => {
    await expect(waitUntil(() => false, { what: 'nothing at all', timeoutMs: 30, intervalMs: 5 })).rejects.toThrow(
      new WaitTimeoutError('timed out after 30 ms waiting for nothing at all'),
    );
  });

  it('stops at once with the message of `failed`', async () => {
    const started = Date.now();
    await expect(waitUntil(() => false, { what: 'x', timeoutMs: 10_000, failed: () => 'the server exited' })).rejects.toThrow('the server exited');
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});

describe('startProcess', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'livecart-start-process-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('resolves once the ready URL answers, logs to its file, and stop ends the whole group', async () => {
    const port = await findFreePort();
    const logFile = join(dir, 'server.log');
    const lines: string[] = [];
    const server = await startProcess({
      name: 'stubborn',
      command: process.execPath,
      args: ['-e', SERVER],
      cwd: dir,
      env: { PORT: String(port) },
      readyUrl: `http://127.0.0.1:${port}/`,
      logFile,
      onLine: (line) => lines.push(line),
    });
    const childPid = Number(/child (\d+)/.exec(await waitUntil(() => lines.find((line) => line.includes('child')), { what: 'the child pid' }))?.[1]);
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe('ok');

    expect(await server.stop('SIGTERM', 300)).toBe('SIGKILL');
    expect(alive(server.pid)).toBe(false);
    await waitUntil(() => !alive(childPid), { what: 'the grandchild to be gone', timeoutMs: 2_000 });
    expect(await readFile(logFile, 'utf8')).toContain(`child ${childPid}`);
  });

  it('fails with the exit and the last output when the process dies before it is ready', async () => {
    const port = await findFreePort();
    const start = startProcess({
      name: 'broken',
      command: process.execPath,
      args: ['-e', 'console.error("missing setting FOO"); process.exit(3)'],
      cwd: dir,
      env: {},
      readyUrl: `http://127.0.0.1:${port}/`,
    });
    await expect(start).rejects.toThrow(/^broken exited with 3:\n\[broken\] missing setting FOO$/);
  });
});
