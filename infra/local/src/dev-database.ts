import pg from 'pg';
import { DevDatabaseError } from './errors.js';
import { describeError, maskUrl } from './mask-url.js';

/**
 * `pnpm dev`'s data lives in a database of its own: the server's `postgres` database often holds the
 * user's own tables, and a `products` or `orders` of theirs would mix with ours or break our migrations.
 */
export const DEV_DATABASE = 'livecart_dev';

/** "livecart_dev on 127.0.0.1:5432": where data lives, with no user or password to leak into a log. */
export function describeDatabase(url: string): string {
  try {
    const parsed = new URL(url);
    const name = decodeURIComponent(parsed.pathname.slice(1));
    // A Unix socket (`?host=/run/postgresql`) or a default database: the masked URL says it best.
    if (parsed.hostname !== '' && name !== '') return `${name} on ${parsed.hostname}:${parsed.port || '5432'}`;
  } catch {
    // pg accepts some connection strings that URL does not.
  }
  return maskUrl(url);
}

function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(name)}`;
  return parsed.toString();
}

/**
 * CREATE DATABASE has no IF NOT EXISTS. A creator that commits between our check and our CREATE
 * makes it fail with 42P04; one still in flight when ours starts makes it fail on pg_database's
 * unique name index instead (23505, seen on Postgres 15 with two `pnpm dev` starting side by side).
 */
function isDuplicateDatabase(error: unknown): boolean {
  const { code, constraint } = (error ?? {}) as { code?: unknown; constraint?: unknown };
  return code === '42P04' || (code === '23505' && constraint === 'pg_database_datname_index');
}

/**
 * The URL of database `name` on the server behind `serverUrl` (any database its role may connect to),
 * created when missing; safe to call from several processes at once.
 */
export async function ensureDatabase(options: {
  serverUrl: string;
  name: string;
}): Promise<{ url: string; created: boolean }> {
  const url = withDatabase(options.serverUrl, options.name);
  const client = new pg.Client({ connectionString: options.serverUrl, connectionTimeoutMillis: 5000 });
  client.on('error', () => {});
  await client.connect();
  try {
    // Checked first so that a role without CREATEDB can use a database someone created for it.
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [options.name]);
    if (found.rowCount !== 0) return { url, created: false };
    try {
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(options.name)}`);
      return { url, created: true };
    } catch (error) {
      if (isDuplicateDatabase(error)) return { url, created: false };
      const { hostname, port } = new URL(options.serverUrl);
      throw new DevDatabaseError(
        `Postgres: could not create the development database ${options.name} (${describeError(error)}). ` +
          `Create it once as a role that may (createdb -h ${hostname} -p ${port || '5432'} ${options.name}), ` +
          'or set DATABASE_URL to a database of your own.',
      );
    }
  } finally {
    await client.end().catch(() => {});
  }
}
