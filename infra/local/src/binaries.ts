import { constants } from 'node:fs';
import { access, readdir } from 'node:fs/promises';
import { delimiter, join } from 'node:path';

export interface PostgresBinaries {
  initdb: string;
  pgCtl: string;
  /** The directory both are in: the client tools of the same version (pg_dump, pg_restore) are there too. */
  dir: string;
}

async function isExecutable(file: string): Promise<boolean> {
  try {
    await access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function pathDirs(env: NodeJS.ProcessEnv): string[] {
  return (env.PATH ?? '').split(delimiter).filter((dir) => dir !== '');
}

/** `<base>/<name>/bin` for every entry whose name matches, highest version first. */
async function versionedBinDirs(base: string, pattern: RegExp): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(base);
  } catch {
    return [];
  }
  const version = (name: string) => Number(pattern.exec(name)?.[1]);
  return names
    .filter((name) => pattern.test(name))
    .sort((a, b) => version(b) - version(a))
    .map((name) => join(base, name, 'bin'));
}

async function firstDirWith(dirs: readonly string[], names: readonly string[]): Promise<string | undefined> {
  for (const dir of dirs) {
    const found = await Promise.all(names.map((name) => isExecutable(join(dir, name))));
    if (found.every(Boolean)) return dir;
  }
  return undefined;
}

/**
 * PATH first; then where packages put them without linking them into PATH: Debian's
 * /usr/lib/postgresql/<version>/bin and Homebrew's keg-only postgresql@<version>.
 * LIVECART_PG_BIN_DIR, when set, is the only place looked at.
 */
export async function findPostgresBinaries(env: NodeJS.ProcessEnv): Promise<PostgresBinaries | undefined> {
  const dirs =
    env.LIVECART_PG_BIN_DIR !== undefined
      ? [env.LIVECART_PG_BIN_DIR]
      : [
          ...pathDirs(env),
          ...(await versionedBinDirs('/usr/lib/postgresql', /^(\d+(?:\.\d+)?)$/)),
          ...(await versionedBinDirs('/opt/homebrew/opt', /^postgresql@(\d+)$/)),
          ...(await versionedBinDirs('/usr/local/opt', /^postgresql@(\d+)$/)),
        ];
  // pg_ctl runs the `postgres` next to itself, so all three must come from one directory.
  const dir = await firstDirWith(dirs, ['initdb', 'pg_ctl', 'postgres']);
  return dir === undefined ? undefined : { initdb: join(dir, 'initdb'), pgCtl: join(dir, 'pg_ctl'), dir };
}

/** PATH, then Homebrew's bin dirs (absent from PATH when started from a GUI). LIVECART_REDIS_BIN_DIR overrides. */
export async function findRedisServer(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const dirs =
    env.LIVECART_REDIS_BIN_DIR !== undefined
      ? [env.LIVECART_REDIS_BIN_DIR]
      : [...pathDirs(env), '/opt/homebrew/bin', '/usr/local/bin'];
  const dir = await firstDirWith(dirs, ['redis-server']);
  return dir === undefined ? undefined : join(dir, 'redis-server');
}
