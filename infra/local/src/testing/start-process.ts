import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import { answersOk, waitUntil } from '../wait.js';

/** Whether `taskset` exists here: without it, `pin` is ignored and processes run on any core. */
export const CAN_PIN = spawnSync('taskset', ['-V'], { stdio: 'ignore' }).status === 0;

export interface Pinning {
  /** A taskset core list, e.g. "0". */
  cpus: string;
  /** Niceness, e.g. -10 (below 0 needs root; ignored by the kernel otherwise). */
  nice?: number;
}

export interface ProcessOptions {
  /** Prefixes its output lines (`[api-1] …`) and names it in errors. */
  name: string;
  command: string;
  args: readonly string[];
  cwd: string;
  /** The whole environment: nothing of the caller's is added (see processBaseEnv). */
  env: NodeJS.ProcessEnv;
  /** Polled until it answers 2xx: only then does the start resolve. */
  readyUrl?: string;
  readyTimeoutMs?: number;
  readyIntervalMs?: number;
  pin?: Pinning;
  /** Its output, appended as printed (a restart keeps one file). */
  logFile?: string;
  /** Each output line, prefixed with `[name] `. */
  onLine?: (line: string) => void;
}

export interface RunningProcess {
  readonly name: string;
  /** The command's own pid (nice and taskset exec it), also its process group. */
  readonly pid: number;
  /** Resolves with the exit code, or the signal's name, once it is gone. */
  readonly exited: Promise<number | string>;
  /** Its last output lines, to quote when something fails. */
  recentOutput(): string[];
  /** `signal` to its whole process group, SIGKILL after `timeoutMs`; resolves with the exit code or signal. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | string>;
}

const KEPT_LINES = 60;

function pinned(command: string, args: readonly string[], pin: Pinning | undefined): [string, string[]] {
  if (pin === undefined || !CAN_PIN) return [command, [...args]];
  const taskset = ['taskset', '-c', pin.cpus, command, ...args];
  return pin.nice === undefined ? [taskset[0]!, taskset.slice(1)] : ['nice', ['-n', String(pin.nice), ...taskset]];
}

/** Process groups still running, killed if the caller exits without stopping them (one listener for all). */
const live = new Set<number>();
process.on('exit', () => {
  for (const pgid of live) signalGroup(pgid, 'SIGKILL');
});

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // the group is gone already
  }
}

/**
 * Starts a long-running process in a process group of its own: a terminal's Ctrl-C reaches only the
 * caller, which stops each process once and in order (a second signal would make the api skip its
 * drain), and stopping it also stops whatever it started (`next dev` forks workers). A process still
 * running when the caller exits is killed with it.
 */
export async function startProcess(options: ProcessOptions): Promise<RunningProcess> {
  const [command, args] = pinned(options.command, options.args, options.pin);
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const pid = child.pid ?? -1;
  if (pid > 0) live.add(pid);

  if (options.logFile !== undefined) mkdirSync(dirname(options.logFile), { recursive: true });
  const log = options.logFile === undefined ? undefined : createWriteStream(options.logFile, { flags: 'a' });
  const lines: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (text) => {
      log?.write(`${text}\n`);
      const line = `[${options.name}] ${text}`;
      lines.push(line);
      if (lines.length > KEPT_LINES) lines.shift();
      options.onLine?.(line);
    });
  }
  let gone = false;
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
    child.once('error', (error) => resolve(error.message));
  }).then((outcome) => {
    gone = true;
    live.delete(pid);
    log?.end();
    return outcome;
  });

  const running: RunningProcess = {
    name: options.name,
    pid,
    exited,
    recentOutput: () => [...lines],
    async stop(signal = 'SIGTERM', timeoutMs = 15_000) {
      if (pid <= 0) return exited;
      signalGroup(pid, signal);
      const timer = setTimeout(() => signalGroup(pid, 'SIGKILL'), timeoutMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
        // What the leader started and left behind goes with it.
        signalGroup(pid, 'SIGKILL');
      }
    },
  };

  if (options.readyUrl !== undefined) {
    const readyUrl = options.readyUrl;
    try {
      await waitUntil(() => answersOk(readyUrl), {
        what: `${options.name} to answer ${readyUrl}`,
        timeoutMs: options.readyTimeoutMs ?? 60_000,
        intervalMs: options.readyIntervalMs ?? 100,
        failed: () => gone && 'exited',
      });
    } catch (error) {
      const exitedFirst = gone;
      await running.stop('SIGKILL');
      const why = exitedFirst ? `exited with ${await exited}` : (error as Error).message.replace(/^timed out after (\d+) ms waiting for .*$/, `did not answer ${readyUrl} within $1 ms`);
      const seeLog = options.logFile === undefined ? '' : ` (log: ${options.logFile})`;
      throw new Error(`${options.name} ${why}${seeLog}:\n${lines.join('\n')}`);
    }
  }
  return running;
}
