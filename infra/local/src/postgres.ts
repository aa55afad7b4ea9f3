import { chmod, chown, mkdir, readdir, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { findPostgresBinaries, type PostgresBinaries } from './binaries.js';
import { MissingServicesError } from './errors.js';
import { exists, tailOf } from './fs-utils.js';
import { logToStderr, type Log } from './log.js';
import { assertPortFree } from './ports.js';
import { probePostgres } from './probe.js';
import { isRunningAsRoot, runCommand } from './run-command.js';

export interface LocalServerOptions {
  dataDir: string;
  port: number;
  log?: Log;
  /** Where binaries are looked up (PATH, LIVECART_PG_BIN_DIR, LIVECART_REDIS_BIN_DIR); process.env by default. */
  env?: NodeJS.ProcessEnv;
}

export interface LocalServer {
  url: string;
  stop(): Promise<void>;
}

const POSTGRES_USER = 'postgres';
// Linux allows 108 bytes for a Unix socket path, macOS 104.
const MAX_SOCKET_PATH = 100;

export function localPostgresUrl(port: number): string {
  return `postgres://postgres@127.0.0.1:${port}/postgres`;
}

interface OsUser {
  name: string;
  uid: number;
  gid: number;
}

async function postgresOsUser(): Promise<OsUser | undefined> {
  if (!isRunningAsRoot()) return undefined;
  try {
    const uid = Number((await runCommand('id', ['-u', POSTGRES_USER])).trim());
    const gid = Number((await runCommand('id', ['-g', POSTGRES_USER])).trim());
    return { name: POSTGRES_USER, uid, gid };
  } catch {
    throw new Error(
      'Postgres refuses to run as root and there is no `postgres` user to run it as: create one (useradd --system postgres) or run as a normal user.',
    );
  }
}

async function assertTraversable(dir: string, user: OsUser): Promise<void> {
  for (let current = dirname(dir); ; current = dirname(current)) {
    const { mode, uid, gid } = await stat(current);
    const allowed = mode & 0o001 || (uid === user.uid && mode & 0o100) || (gid === user.gid && mode & 0o010);
    if (!allowed) {
      throw new Error(
        `Postgres runs as the \`${user.name}\` user, which cannot enter ${current}: chmod o+x ${current}, or choose a data directory every user can reach.`,
      );
    }
    if (dirname(current) === current) return;
  }
}

function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

async function initDataDir(bins: PostgresBinaries, dataDir: string, user: OsUser | undefined, log: Log): Promise<void> {
  await mkdir(dataDir, { recursive: true });
  if ((await readdir(dataDir)).length > 0) {
    throw new Error(`${dataDir} is neither empty nor a Postgres data directory; remove it or choose another one.`);
  }
  if (user !== undefined) {
    await assertTraversable(dataDir, user);
    await chown(dataDir, user.uid, user.gid);
  }
  await chmod(dataDir, 0o700);
  log(`Postgres: initializing a new data directory in ${dataDir} (initdb)…`);
  await runCommand(
    bins.initdb,
    ['-D', dataDir, '-A', 'trust', '-U', POSTGRES_USER, '--no-sync', '-E', 'UTF8', '--locale=C'],
    { asUser: user?.name },
  );
}

/**
 * Stops the server whose data directory is `dataDir`, whoever started it; nothing to do when none runs.
 */
export async function stopLocalPostgres(options: { dataDir: string; env?: NodeJS.ProcessEnv }): Promise<void> {
  const dataDir = resolve(options.dataDir);
  if (!(await exists(join(dataDir, 'postmaster.pid')))) return;
  const bins = await findPostgresBinaries(options.env ?? process.env);
  if (bins === undefined) throw new MissingServicesError(['postgres']);
  const asUser = (await postgresOsUser())?.name;
  try {
    await runCommand(bins.pgCtl, ['status', '-D', dataDir], { asUser });
  } catch {
    // A pid file left by a crashed server: nothing runs, and the next start cleans it up.
    return;
  }
  await runCommand(bins.pgCtl, ['stop', '-D', dataDir, '-m', 'fast', '-w', '-t', '60'], { asUser });
}

/**
 * Starts Postgres from the installed binaries with its data in `dataDir` (created with initdb when
 * empty or absent, reused otherwise), listening on 127.0.0.1:`port` only, trust auth, no fsync.
 */
export async function startLocalPostgres(options: LocalServerOptions): Promise<LocalServer> {
  const log = options.log ?? logToStderr;
  const env = options.env ?? process.env;
  const dataDir = resolve(options.dataDir);
  const bins = await findPostgresBinaries(env);
  if (bins === undefined) throw new MissingServicesError(['postgres']);
  await assertPortFree(options.port, 'Postgres');

  const user = await postgresOsUser();
  if (!(await exists(join(dataDir, 'PG_VERSION')))) await initDataDir(bins, dataDir, user, log);

  // The socket lets `psql -h <dataDir>` in; a path too long for a socket would stop the server from starting.
  const socketDir = join(dataDir, `.s.PGSQL.${options.port}`).length <= MAX_SOCKET_PATH ? dataDir : '';
  // pg_ctl hands -o to a shell, hence the quoting.
  const serverOptions = [
    `-p ${options.port}`,
    `-k ${shellQuote(socketDir)}`,
    '-c listen_addresses=127.0.0.1',
    '-c fsync=off',
    '-c synchronous_commit=off',
    '-c full_page_writes=off',
  ].join(' ');
  const logFile = join(dataDir, 'postgres.log');
  try {
    await runCommand(bins.pgCtl, ['start', '-D', dataDir, '-l', logFile, '-w', '-t', '60', '-o', serverOptions], {
      asUser: user?.name,
      detached: true,
    });
  } catch (error) {
    throw new Error(`Postgres did not start: ${(error as Error).message}\n--- ${logFile} ---\n${await tailOf(logFile)}`);
  }

  const url = localPostgresUrl(options.port);
  try {
    await probePostgres(url, 5000);
  } catch (error) {
    await stopLocalPostgres({ dataDir, env });
    throw new Error(`Postgres started but does not accept connections at ${url}: ${(error as Error).message}`);
  }
  log(`Postgres: started on 127.0.0.1:${options.port}`);
  let stopping: Promise<void> | undefined;
  return {
    url,
    stop: () => (stopping ??= stopLocalPostgres({ dataDir, env })),
  };
}
