import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { DevDatabaseError, MissingServicesError, ServiceUnreachableError } from './errors.js';
import type { Log } from './log.js';
import { ensureServices, resolveServices, type Services } from './resolve.js';

export const USAGE = `Usage: livecart-services <command>

  exec -- <command...>  make Postgres and Redis available, run <command> with DATABASE_URL and
                        REDIS_URL set, and stop what was started once it exits
  env                   print DATABASE_URL=... and REDIS_URL=... for what is reachable now (starts nothing)
  up                    make Postgres and Redis available and keep them up until Ctrl-C
`;

export interface CliIo {
  env: NodeJS.ProcessEnv;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const defaultIo: CliIo = {
  env: process.env,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

function logTo(io: CliIo): Log {
  return (line) => io.stderr(`[services] ${line}\n`);
}

function envLines(services: Services): string {
  return `DATABASE_URL=${services.databaseUrl}\nREDIS_URL=${services.redisUrl}\n`;
}

function onTermination(handler: (signal: NodeJS.Signals) => void): () => void {
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];
  for (const signal of signals) process.on(signal, handler);
  return () => {
    for (const signal of signals) process.off(signal, handler);
  };
}

async function exec(command: readonly string[], io: CliIo): Promise<number> {
  const [file, ...args] = command;
  if (file === undefined) {
    io.stderr(USAGE);
    return 2;
  }
  const services = await ensureServices({ mode: 'dev', env: io.env, log: logTo(io) });
  const child = spawn(file, args, {
    stdio: 'inherit',
    env: { ...io.env, DATABASE_URL: services.databaseUrl, REDIS_URL: services.redisUrl },
  });
  // Ctrl-C also reaches the child directly; forwarding covers `kill <our pid>` and non-terminal parents.
  const stopForwarding = onTermination((signal) => child.kill(signal));
  const code = await new Promise<number>((resolve) => {
    child.once('error', (error) => {
      io.stderr(`[services] could not run ${file}: ${error.message}\n`);
      resolve(127);
    });
    // A child killed by a signal exits like a shell reports it: 128 + the signal number.
    child.once('exit', (exitCode, signal) =>
      resolve(exitCode ?? 128 + (signal === null ? 0 : constants.signals[signal])),
    );
  });
  stopForwarding();
  await services.stop();
  return code;
}

async function up(io: CliIo): Promise<number> {
  const services = await ensureServices({ mode: 'dev', env: io.env, log: logTo(io) });
  io.stdout(envLines(services));
  logTo(io)('up; press Ctrl-C to stop');
  // Signal listeners alone do not keep Node's event loop alive.
  const keepAlive = setInterval(() => {}, 1 << 30);
  await new Promise<void>((resolve) => {
    const stopListening = onTermination(() => {
      stopListening();
      resolve();
    });
  });
  clearInterval(keepAlive);
  await services.stop();
  return 0;
}

function failureMessage(error: unknown): string {
  // Expected failures say what to do in their message; anything else keeps its stack for a bug report.
  if (error instanceof MissingServicesError || error instanceof ServiceUnreachableError || error instanceof DevDatabaseError) {
    return error.message;
  }
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

/** Runs one CLI invocation and returns the process exit code. */
export async function runCli(argv: readonly string[], io: CliIo = defaultIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'exec':
        return await exec(rest[0] === '--' ? rest.slice(1) : rest, io);
      case 'env':
        io.stdout(envLines(await resolveServices({ mode: 'dev', env: io.env, log: logTo(io), startLocal: false })));
        return 0;
      case 'up':
        return await up(io);
      case 'help':
      case '--help':
      case '-h':
        io.stdout(USAGE);
        return 0;
      default:
        io.stderr(USAGE);
        return 2;
    }
  } catch (error) {
    io.stderr(`[services] ${failureMessage(error)}\n`);
    return 1;
  }
}
