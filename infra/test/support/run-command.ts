import { spawn } from 'node:child_process';
import { appendFile } from 'node:fs/promises';

export interface RunOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Output goes here rather than to the test log; its tail is quoted when the command fails. */
  logFile: string;
}

/** Runs a command to completion and returns its stdout; rejects naming the command and quoting the end of its output. */
export async function runCommand(command: string, args: readonly string[], options: RunOptions): Promise<string> {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  await appendFile(options.logFile, `$ ${[command, ...args].join(' ')}  (in ${options.cwd})\n${output}\n`);
  if (code !== 0) {
    throw new Error(`\`${[command, ...args].join(' ')}\` exited with ${code} in ${options.cwd}:\n${output.slice(-4000)}`);
  }
  return stdout;
}
