import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { processBaseEnv } from './process-env.js';
import { appDir } from './repo.js';

const run = promisify(execFile);

/** Runs one of the api's built database commands (`dist/db/<tool>-cli.js`) against `databaseUrl`. */
async function runApiTool(tool: 'migrate' | 'seed', databaseUrl: string, args: readonly string[] = []): Promise<void> {
  try {
    await run(process.execPath, [`dist/db/${tool}-cli.js`, ...args], {
      cwd: appDir('api'),
      env: { ...processBaseEnv(), DATABASE_URL: databaseUrl },
    });
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`the api's ${tool} command failed on ${new URL(databaseUrl).pathname.slice(1)}: ${(error as Error).message}\n${stdout}${stderr}`);
  }
}

/** Brings the schema up to date with the api's own migrations (its built migrate command). */
export function migrateDatabase(databaseUrl: string): Promise<void> {
  return runApiTool('migrate', databaseUrl);
}

/** Loads the demo catalog (`count` products; idempotent) with the api's built seed command. */
export function seedDatabase(databaseUrl: string, count: number): Promise<void> {
  return runApiTool('seed', databaseUrl, ['--count', String(count)]);
}
