import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { setPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { findFreePort } from '@livecart/local-services';
import { waitUntil } from '@livecart/local-services/testing';
import { Redis } from 'ioredis';

/** `--import` argument that lets a child node process run TypeScript, wherever its cwd is. */
export const TSX_IMPORT = ['--import', import.meta.resolve('tsx')];

let cpuProfileDir: string | undefined;

/** From now on, node processes started by the harness write a V8 CPU profile into `dir` when they exit. */
export function profileInto(dir: string): void {
  cpuProfileDir = dir;
}

/**
 * Node flags for a process named `label`: profiles into `<dir>/<label>/` when profiling, else none. A
 * folder per process, since a process run through tsx also profiles its module-loader thread.
 */
export function profileArgs(label: string): string[] {
  return cpuProfileDir === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', join(cpuProfileDir, label)];
}

/** Everything started by this run, stopped in reverse order on exit, failure or Ctrl-C. */
const started: { name: string; stop: () => Promise<void> | void }[] = [];

export function onCleanup(name: string, stop: () => Promise<void> | void): void {
  started.push({ name, stop });
}

export async function cleanupAll(): Promise<void> {
  while (started.length > 0) {
    const entry = started.pop()!;
    try {
      await entry.stop();
    } catch (error) {
      console.error(`stopping ${entry.name} failed:`, error);
    }
  }
}

/** Last-resort kill of children on a synchronous exit path (the async cleanup could not run). */
const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
});

export function track(child: ChildProcess, name: string): ChildProcess {
  children.add(child);
  child.once('exit', () => children.delete(child));
  onCleanup(name, () => stopChild(child));
  return child;
}

export async function stopChild(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  if (await Promise.race([exited.then(() => true), delay(graceMs).then(() => false)])) return;
  child.kill('SIGKILL');
  await exited;
}

/**
 * Niceness of what this run starts. The machine is shared with other work (builds, test runs) at the
 * default 0: the server, Redis and the publisher must not wait behind it, and the client fleet, which
 * only has to keep up, should not starve Redis on the core they share. Stand-ins for other parties' servers
 * (the webhook receivers) come last on that core: their work must not delay the clients that measure.
 */
export const PRIORITY = { server: -10, redis: -10, coordinator: -10, clients: -5, receivers: 5 } as const;

let keepPriorities = false;

/**
 * From now on nothing this run starts gets a higher priority than the run itself, and the session's is
 * left alone: for a machine whose other work must not be disturbed. Figures are noisier for it.
 */
export function politeRun(): void {
  keepPriorities = true;
}

/** The niceness to start `role` at, or undefined to inherit the run's own (a polite run). */
export function niceness(role: keyof typeof PRIORITY): number | undefined {
  return keepPriorities ? undefined : PRIORITY[role];
}

/**
 * With the kernel's autogroup scheduling (the default on most Linux systems, and on this VM), niceness
 * only orders processes of one session: each session as a whole gets an equal share of a CPU against
 * the others, so under other sessions' load the server at nice -10 still got a fraction of its core.
 * This gives the session this run belongs to the autogroup niceness `nice` until the run ends, then
 * puts the previous one back. Returns what was done, for the log.
 */
export function raiseSessionPriority(nice: number): string {
  if (keepPriorities) return 'polite run: priorities left as they are; other work on the machine competes as an equal';
  const file = '/proc/self/autogroup';
  let before: number | undefined;
  try {
    before = swapAutogroupNice(file, nice);
    if (before === undefined) return NO_AUTOGROUP;
  } catch (error) {
    return `session priority unchanged (${(error as Error).message}): other sessions' load competes as an equal`;
  }
  onCleanup('session priority', () => writeFileSync(file, String(before)));
  process.once('exit', () => {
    try {
      writeFileSync(file, String(before));
    } catch {
      // The group is gone with the session.
    }
  });
  return `session autogroup at nice ${nice} for this run (was ${before}): other sessions' load disturbs less`;
}

const NO_AUTOGROUP = 'no autogroup scheduling: process niceness alone orders the work';

/** Sets an autogroup file's niceness; the niceness it had, or undefined where there is no autogroup scheduling. */
function swapAutogroupNice(file: string, nice: number): number | undefined {
  const match = /nice (-?\d+)/.exec(readFileSync(file, 'utf8'));
  if (match === null) return undefined;
  writeFileSync(file, String(nice));
  return Number(match[1]);
}

/**
 * Gives the session of `pid` the autogroup niceness `nice`. Every server a run starts is a session of its
 * own (detached), and under autogroup scheduling a process's own niceness only orders it within its
 * session: against the other servers and Postgres, each session weighs the same whatever its processes'
 * nice values. A lower priority for one server (a container's CPU weight, in a deployment) is its
 * session's niceness. Returns what was done, for the log.
 */
export function setSessionNiceness(pid: number, nice: number): string {
  try {
    return swapAutogroupNice(`/proc/${pid}/autogroup`, nice) === undefined ? NO_AUTOGROUP : `session at autogroup nice ${nice}`;
  } catch (error) {
    return `session niceness unchanged (${(error as Error).message})`;
  }
}

const PIN_ATTEMPTS = 5;

/** Pins a running process and all its threads to `cpus` (e.g. "0") and sets its niceness. */
export function pin(pid: number, cpus: string, priority: number): void {
  for (let attempt = 1; ; attempt++) {
    try {
      execFileSync('taskset', ['-a', '-pc', cpus, String(pid)], { stdio: 'ignore' });
      break;
    } catch (error) {
      // A thread that ends while taskset walks them (a process still starting up) fails the call: walk again.
      if (attempt >= PIN_ATTEMPTS) throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    }
  }
  try {
    if (!keepPriorities) setPriority(pid, priority);
  } catch {
    // Not permitted (not root): run at the default priority.
  }
}

export function cpuCount(): number {
  return Number(execFileSync('nproc').toString().trim());
}

/** Resident set size of a process, in bytes. */
export function rssBytes(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match?.[1] ?? 0) * 1024;
}

/** User + system CPU time a process has used so far, in seconds. */
export function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** A private redis-server (no persistence) pinned to `cpus`, killed at cleanup. */
export async function startRedis(cpus: string): Promise<{ url: string }> {
  const port = await findFreePort();
  const dir = await mkdtemp(join(tmpdir(), 'bench-redis-'));
  const child = track(
    spawn('nice', ['-n', String(niceness('redis') ?? 0), 'taskset', '-c', cpus, 'redis-server', '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--client-output-buffer-limit', 'pubsub', '0', '0', '0'], {
      stdio: 'ignore',
    }),
    'redis-server',
  );
  onCleanup('redis dir', () => rm(dir, { recursive: true, force: true }));
  const url = `redis://127.0.0.1:${port}`;
  await waitUntil(
    async () => {
      const probe = new Redis(url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
      probe.on('error', () => {});
      const up = await probe.connect().then(
        () => true,
        () => false,
      );
      probe.disconnect();
      return up;
    },
    { what: 'redis-server to answer', timeoutMs: 5_000, intervalMs: 25, failed: () => child.exitCode !== null && 'redis-server exited at start' },
  );
  return { url };
}
