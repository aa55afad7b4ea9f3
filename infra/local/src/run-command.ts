import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';

export interface RunOptions {
  /** Postgres refuses to run as root, so as root its tools run as the `postgres` user. */
  asUser?: string;
  /**
   * Own session, so Ctrl-C in the terminal (SIGINT to the whole foreground process group) does not
   * reach a server we start; it is stopped in order by stop(), after the apps using it are gone.
   */
  detached?: boolean;
}

export function runCommand(file: string, args: readonly string[], options: RunOptions = {}): Promise<string> {
  const [command, argv] =
    options.asUser === undefined ? [file, args] : ['runuser', ['-u', options.asUser, '--', file, ...args]];
  return new Promise((resolve, reject) => {
    // cwd: another user's tools warn when they cannot enter the caller's working directory.
    const child = spawn(command, argv, {
      cwd: tmpdir(),
      detached: options.detached,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code, signal) => {
      if (code === 0) resolve(output);
      else reject(new Error(`${[command, ...argv].join(' ')} failed (${signal ?? `exit ${code}`}):\n${output.trim()}`));
    });
  });
}

export function isRunningAsRoot(): boolean {
  return process.getuid?.() === 0;
}

export function isPidAlive(pid: number): boolean {
  // process.kill(0) would signal our own process group and report "alive".
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
