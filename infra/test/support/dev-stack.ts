import { spawn } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { answersOk } from '@livecart/local-services/testing';
import { runCommand } from './run-command.js';

/** One `dev` task of turbo's graph: the package, its folder in the repo and the builds it waits for. */
export interface DevTask {
  package: string;
  directory: string;
  builds: string[];
}

interface DryRunTask {
  taskId: string;
  task: string;
  package: string;
  directory: string;
  command: string;
  dependencies: string[];
}

/** The dev tasks `pnpm dev` (turbo run dev) would start in `repo`, read from turbo's own plan. */
export async function devTasks(repo: string, env: NodeJS.ProcessEnv, logFile: string): Promise<DevTask[]> {
  const plan = JSON.parse(await runCommand('pnpm', ['exec', 'turbo', 'run', 'dev', '--dry=json'], { cwd: repo, env, logFile })) as {
    tasks: DryRunTask[];
  };
  return plan.tasks
    .filter((task) => task.task === 'dev' && task.command !== '<NONEXISTENT>')
    .map((task) => ({
      package: task.package,
      directory: task.directory,
      builds: task.dependencies.filter((id) => id.endsWith('#build')).map((id) => id.slice(0, -'#build'.length)),
    }));
}

export interface DevProcess {
  readonly name: string;
  /** Everything it printed so far (stdout and stderr, in order). */
  output(): string;
  /** SIGTERM to its whole process group, SIGKILL after `timeoutMs`. */
  stop(timeoutMs?: number): Promise<void>;
}

/** `pnpm run dev [args]` in `cwd`, in a process group of its own, its output appended to `logFile`. */
export function startDev(name: string, cwd: string, env: NodeJS.ProcessEnv, logFile: string, args: readonly string[] = []): DevProcess {
  const fd = openSync(logFile, 'a');
  const child = spawn('pnpm', ['run', 'dev', ...args], { cwd, env, stdio: ['ignore', fd, fd], detached: true });
  closeSync(fd);
  const exit = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // the group is gone already
    }
  };
  // The tsx watchers, tsc --watch and next dev below `pnpm` must not outlive a test run that crashed.
  const killOnExit = () => signalGroup('SIGKILL');
  process.once('exit', killOnExit);
  return {
    name,
    output: () => readFileSync(logFile, 'utf8'),
    async stop(timeoutMs = 10_000) {
      signalGroup('SIGTERM');
      await Promise.race([exit, delay(timeoutMs)]);
      // The group may outlive its leader (a watcher's child still draining): end it in any case.
      signalGroup('SIGKILL');
      process.off('exit', killOnExit);
    },
  };
}


/** Asks `url` every `everyMs` and remembers when it last answered 2xx, to find the longest silence. */
export class HealthWatch {
  private readonly answered: number[] = [];
  private running = true;
  private readonly loop: Promise<void>;

  constructor(
    readonly url: string,
    everyMs = 200,
  ) {
    this.loop = (async () => {
      while (this.running) {
        const started = Date.now();
        if (await answersOk(url, 1_000)) this.answered.push(Date.now());
        await delay(Math.max(0, everyMs - (Date.now() - started)));
      }
    })();
  }

  /** The longest time in [from, to] without a 2xx answer, in ms. */
  longestSilence(from: number, to: number): number {
    let last = from;
    let longest = 0;
    for (const at of this.answered) {
      if (at < from) continue;
      if (at > to) break;
      longest = Math.max(longest, at - last);
      last = at;
    }
    return Math.max(longest, to - last);
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }
}
