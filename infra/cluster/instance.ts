import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { setTimeout as delay } from 'node:timers/promises';

export interface InstanceOptions {
  /** Prefixes its output lines, e.g. `api-1`. */
  name: string;
  command: string;
  args: readonly string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Polled until it answers 2xx: the instance counts as started only then. */
  readyUrl: string;
  readyTimeoutMs?: number;
  /** Each output line, already prefixed; default: dropped (kept in `recentOutput` either way). */
  onLine?: (line: string) => void;
}

export interface Instance {
  readonly name: string;
  readonly pid: number;
  /** Resolves with the exit code (or the signal's name) once the process is gone. */
  readonly exited: Promise<number | string>;
  /** The last lines it printed: quoted when it fails to start. */
  recentOutput(): string[];
  /** Sends `signal` and waits for the exit; SIGKILL after `timeoutMs`. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | string>;
}

const KEPT_LINES = 60;

function watchExit(child: ChildProcess): Promise<number | string> {
  return new Promise((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
    child.once('error', (error) => resolve(error.message));
  });
}

/** Starts a server process and waits until its readiness URL answers. */
export async function startInstance(options: InstanceOptions): Promise<Instance> {
  // Its own process group: a terminal's Ctrl-C reaches only the orchestrator, which then stops each
  // instance once, gracefully (a second signal would make the api skip its drain).
  const child = spawn(options.command, options.args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  // …and so it must not outlive the orchestrator if that one exits without stopping it.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const lines: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (text) => {
      const line = `[${options.name}] ${text}`;
      lines.push(line);
      if (lines.length > KEPT_LINES) lines.shift();
      options.onLine?.(line);
    });
  }
  const exited = watchExit(child);
  let gone = false;
  void exited.then(() => {
    gone = true;
    process.off('exit', killOnExit);
  });

  const instance: Instance = {
    name: options.name,
    pid: child.pid ?? -1,
    exited,
    recentOutput: () => [...lines],
    async stop(signal = 'SIGTERM', timeoutMs = 15_000) {
      if (!gone) child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };

  const deadline = Date.now() + (options.readyTimeoutMs ?? 30_000);
  while (!(await answers(options.readyUrl))) {
    if (gone || Date.now() > deadline) {
      await instance.stop('SIGKILL');
      const why = gone ? `exited with ${await exited}` : `did not answer ${options.readyUrl} in time`;
      throw new Error(`${options.name} ${why}:\n${lines.join('\n')}`);
    }
    await delay(100);
  }
  return instance;
}

/** True when `url` answers 2xx within `timeoutMs`. */
export async function answers(url: string, timeoutMs = 2_000): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}
