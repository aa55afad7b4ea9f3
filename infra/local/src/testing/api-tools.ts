import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { processBaseEnv } from './process-env.js';
import { appDir } from './repo.js';

const run = promisify(execFile);

/** Runs one of the api's built database commands (`dist/db/<tool>-cli.js`) against `databaseUrl`. */
const TOOLS = {
  migrate: 'dist/db/migrate-cli.js',
  seed: 'dist/db/seed-cli.js',
  'create-key': 'dist/staff/create-key-cli.js',
  'create-user': 'dist/staff/create-user-cli.js',
} as const;

/** Runs one of the api's built commands against `databaseUrl`; resolves with what it printed on stdout. */
async function runApiTool(tool: keyof typeof TOOLS, databaseUrl: string, args: readonly string[] = [], stdin = ''): Promise<string> {
  try {
    const running = run(process.execPath, [TOOLS[tool], ...args], {
      cwd: appDir('api'),
      env: { ...processBaseEnv(), DATABASE_URL: databaseUrl },
    });
    running.child.stdin?.end(stdin);
    const { stdout } = await running;
    return stdout;
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`the api's ${tool} command failed on ${new URL(databaseUrl).pathname.slice(1)}: ${(error as Error).message}\n${stdout}${stderr}`);
  }
}

/** Brings the schema up to date with the api's own migrations (its built migrate command). */
export async function migrateDatabase(databaseUrl: string): Promise<void> {
  await runApiTool('migrate', databaseUrl);
}

/** Loads the demo catalog (`count` products; idempotent) with the api's built seed command. */
export async function seedDatabase(databaseUrl: string, count: number): Promise<void> {
  await runApiTool('seed', databaseUrl, ['--count', String(count)]);
}

/**
 * A new API key with `scopes`, made by the api's built `keys:create` command: how a suite or a bench run
 * gets its write credential at startup (the API holds no static one).
 */
export async function createApiKey(databaseUrl: string, options: { name: string; scopes: readonly string[] }): Promise<string> {
  const stdout = await runApiTool('create-key', databaseUrl, ['--name', options.name, ...options.scopes.flatMap((scope) => ['--scope', scope])]);
  const key = stdout.trim();
  if (!/^lck_\S+$/.test(key)) throw new Error(`the api's keys:create command printed no key (stdout: ${JSON.stringify(stdout.slice(0, 80))})`);
  return key;
}

/** A staff account made by the api's built users:create command (the password goes in on stdin, as documented). */
export async function createStaffUser(databaseUrl: string, options: { email: string; role: 'viewer' | 'editor' | 'admin'; password: string }): Promise<void> {
  await runApiTool('create-user', databaseUrl, ['--email', options.email, '--role', options.role], `${options.password}\n`);
}
