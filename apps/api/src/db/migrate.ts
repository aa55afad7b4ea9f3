import { fileURLToPath } from 'node:url';
import { runner } from 'node-pg-migrate';

/** Versioned SQL files, shipped beside src/ and dist/ so both the tsx and the built entry find them. */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations', import.meta.url));

export interface RunMigrationsOptions {
  databaseUrl: string;
  log?: (message: string) => void;
}

/** Applies every pending migration in one transaction; concurrent starters wait for each other. */
export async function runMigrations(options: RunMigrationsOptions): Promise<string[]> {
  const log = options.log ?? (() => {});
  const applied = await runner({
    databaseUrl: options.databaseUrl,
    dir: MIGRATIONS_DIR,
    direction: 'up',
    migrationsTable: 'pgmigrations',
    singleTransaction: true,
    checkOrder: true,
    advisoryLockMode: 'wait',
    logger: { debug: () => {}, info: log, warn: log, error: log },
  });
  return applied.map((migration) => migration.name);
}
