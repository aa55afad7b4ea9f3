import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, readdirSync, readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { waitUntil } from '@livecart/local-services/testing';

/**
 * Every process this run starts gets a process group of its own (`detached`), so stopping it also stops
 * whatever it started (`next start` forks `next-server`; harnesses fork servers and client fleets), and
 * a Ctrl-C in the terminal reaches only this coordinator, which then stops them in order.
 */

interface CleanupEntry {
  name: string;
  stop: () => Promise<void> | void;
}

const registry: CleanupEntry[] = [];
const groups = new Set<number>();

/** Runs `stop` at cleanup, after everything registered later (reverse order). */
export function onCleanup(name: string, stop: () => Promise<void> | void): () => void {
  const entry = { name, stop };
  registry.push(entry);
  return () => {
    const index = registry.indexOf(entry);
    if (index !== -1) registry.splice(index, 1);
  };
}

export async function cleanupAll(log: (line: string) => void = console.error): Promise<void> {
  while (registry.length > 0) {
    const entry = registry.pop()!;
    try {
      await entry.stop();
    } catch (error) {
      log(`stopping ${entry.name} failed: ${String(error)}`);
    }
  }
}

// Last resort when the process exits without running the async cleanup (an uncaught exception).
process.on('exit', () => {
  for (const pgid of groups) signalGroup(pgid, 'SIGKILL');
});

function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/** Pids of the live members of process group `pgid` (from /proc). */
export function groupPids(pgid: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // fields[0] is the state, fields[2] the process group; zombies are already gone for our purposes.
      if (Number(fields[2]) === pgid && fields[0] !== 'Z') pids.push(Number(entry));
    } catch {
      // exited while we looked
    }
  }
  return pids;
}

function waitGroupEmpty(pgid: number, ms: number): Promise<boolean> {
  return waitUntil(() => groupPids(pgid).length === 0, { what: `process group ${pgid} to end`, timeoutMs: ms }).catch(() => false);
}

/**
 * SIGTERM to the leader first (harnesses clean up after themselves on it), then to the rest of the
 * group, then SIGKILL for whatever is still there.
 */
export async function stopGroup(child: ChildProcess, graceMs = 8_000): Promise<void> {
  const pgid = child.pid;
  if (pgid === undefined) return;
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    await Promise.race([exited, delay(graceMs)]);
  }
  if (groupPids(pgid).length > 0) {
    signalGroup(pgid, 'SIGTERM');
    if (!(await waitGroupEmpty(pgid, 3_000))) {
      signalGroup(pgid, 'SIGKILL');
      await waitGroupEmpty(pgid, 2_000);
    }
  }
  groups.delete(pgid);
}

export interface GroupOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Pin to these cores (taskset list, e.g. "0"); the pid stays the command's own since taskset execs it. */
  cpus?: string;
  /** Append stdout and stderr to this file; otherwise they are drained and the last lines kept. */
  logFile?: string;
  /** Each output line, as it comes (for progress display). */
  onLine?: (line: string) => void;
  /** The pid (and process group) once started. */
  onStart?: (pid: number) => void;
  graceMs?: number;
}

export interface Group {
  name: string;
  child: ChildProcess;
  pid: number;
  /** The last lines of output, for error messages. */
  tail(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(): Promise<void>;
}

const TAIL_LINES = 40;

/** Starts `command` in a process group of its own, registered for cleanup. */
export function startGroup(name: string, command: string, args: string[], options: GroupOptions = {}): Group {
  const [file, argv] = options.cpus === undefined ? [command, args] : ['taskset', ['-c', options.cpus, command, ...args]];
  const child = spawn(file, argv, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error(`could not start ${name} (${command})`);
  const pid = child.pid;
  groups.add(pid);
  options.onStart?.(pid);
  const lines: string[] = [];
  const log = options.logFile === undefined ? undefined : createWriteStream(options.logFile, { flags: 'a' });
  let partial = '';
  const onData = (chunk: Buffer) => {
    log?.write(chunk);
    const text = partial + chunk.toString();
    const parts = text.split(/\r?\n|\r/);
    partial = parts.pop() ?? '';
    for (const line of parts) {
      if (line.trim() === '') continue;
      lines.push(line);
      if (lines.length > TAIL_LINES) lines.shift();
      options.onLine?.(line);
    }
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('error', () => resolve({ code: null, signal: null }));
    child.once('close', (code, signal) => {
      log?.end();
      resolve({ code, signal });
    });
  });
  const stop = () => stopGroup(child, options.graceMs);
  const unregister = onCleanup(name, stop);
  void exited.then(async () => {
    // The leader is gone; anything it left in its group is stopped now rather than at the very end.
    if (groupPids(pid).length === 0) {
      groups.delete(pid);
      unregister();
    }
  });
  return { name, child, pid, tail: () => [...lines, partial].filter(Boolean).join('\n'), exited, stop };
}

/** Runs a command to completion in its own group; rejects with its last output lines when it fails. */
export async function runGroup(name: string, command: string, args: string[], options: GroupOptions = {}): Promise<void> {
  const group = startGroup(name, command, args, options);
  const { code, signal } = await group.exited;
  await group.stop();
  if (code !== 0) throw new Error(`${name} exited with ${code ?? signal}\n${group.tail()}`);
}

/** Resident memory of a whole process group, in MB, and its CPU seconds so far (user + system). */
export function groupUsage(pgid: number): { rssMb: number; cpuSeconds: number } {
  let rssKb = 0;
  let ticks = 0;
  for (const pid of groupPids(pgid)) {
    const usage = processUsage(pid);
    rssKb += usage.rssKb;
    ticks += usage.ticks;
  }
  return { rssMb: rssKb / 1024, cpuSeconds: ticks / CLOCK_TICKS };
}

const CLOCK_TICKS = 100;

/** RSS (MB) and CPU seconds so far of one process. */
export function processUsageOf(pid: number): { rssMb: number; cpuSeconds: number } {
  const usage = processUsage(pid);
  return { rssMb: usage.rssKb / 1024, cpuSeconds: usage.ticks / CLOCK_TICKS };
}

function processUsage(pid: number): { rssKb: number; ticks: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { rssKb: Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0), ticks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return { rssKb: 0, ticks: 0 };
  }
}

export interface UsageSample {
  /** Seconds since the sampler started. */
  t: number;
  rssMb: number;
  /** CPU use over the last interval, percent of one core. */
  cpuPercent: number;
}

/** Samples RSS and CPU of the given process groups (or single pids) every `intervalMs`. */
export function sampleUsage(pids: () => number[], intervalMs = 1_000, byGroup = true): { stop(): UsageSample[] } {
  const read = () => {
    let rssMb = 0;
    let cpuSeconds = 0;
    for (const pid of pids()) {
      if (byGroup) {
        const usage = groupUsage(pid);
        rssMb += usage.rssMb;
        cpuSeconds += usage.cpuSeconds;
      } else {
        const usage = processUsage(pid);
        rssMb += usage.rssKb / 1024;
        cpuSeconds += usage.ticks / CLOCK_TICKS;
      }
    }
    return { rssMb, cpuSeconds, at: performance.now() };
  };
  const started = performance.now();
  let previous = read();
  const samples: UsageSample[] = [];
  const timer = setInterval(() => {
    const now = read();
    const seconds = (now.at - previous.at) / 1000;
    samples.push({
      t: Math.round((now.at - started) / 100) / 10,
      rssMb: Math.round(now.rssMb * 10) / 10,
      cpuPercent: Math.round(((now.cpuSeconds - previous.cpuSeconds) / seconds) * 1000) / 10,
    });
    previous = now;
  }, intervalMs);
  return {
    stop: () => {
      clearInterval(timer);
      return samples;
    },
  };
}

