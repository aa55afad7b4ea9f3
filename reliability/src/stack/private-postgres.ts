import { execFile } from 'node:child_process';
import { realpath } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { findFreePort, findPostgresBinaries, startLocalPostgres, type LocalServer } from '@livecart/local-services';
import pg from 'pg';

/**
 * A Postgres server of the test's own (own port, own data directory), which the test may stop and
 * start again: the data directory is kept, so a restart brings back every committed row.
 */
export class PrivatePostgres {
  private server: LocalServer | undefined;

  private constructor(
    readonly port: number,
    readonly dataDir: string,
    private readonly log: (line: string) => void,
  ) {}

  /** Initializes `<dir>/postgres` (initdb) and starts the server on a free port. */
  static async start(dir: string, log: (line: string) => void = () => {}): Promise<PrivatePostgres> {
    const server = new PrivatePostgres(await findFreePort(), join(dir, 'postgres'), log);
    await server.start();
    return server;
  }

  get running(): boolean {
    return this.server !== undefined;
  }

  /** A URL of database `name` on this server, for the direct (unproxied) connections of the test. */
  url(name = 'postgres'): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${name}`;
  }

  async createDatabase(name: string): Promise<string> {
    const client = new pg.Client({ connectionString: this.url(), connectionTimeoutMillis: 5_000 });
    await client.connect();
    try {
      await client.query(`CREATE DATABASE "${name}"`);
    } finally {
      await client.end();
    }
    return this.url(name);
  }

  /**
   * A consistent copy of database `name` as of now (pg_dump's snapshot), in pg_dump's custom format: what
   * a nightly backup or a lagging replica holds.
   */
  async backup(name: string, file: string): Promise<void> {
    await this.client('pg_dump', ['--format=custom', `--file=${file}`, name]);
  }

  /** A new database `name` holding what `backup` wrote to `file`. */
  async restore(file: string, name: string): Promise<string> {
    await this.createDatabase(name);
    await this.client('pg_restore', ['--exit-on-error', '--no-owner', `--dbname=${name}`, file]);
    return this.url(name);
  }

  /**
   * Database `replacement` takes the place (and the name) of `live`, whose sessions are ended: to the apps,
   * reconnecting, the database went back to whatever `replacement` holds.
   */
  async replace(live: string, replacement: string): Promise<void> {
    const client = new pg.Client({ connectionString: this.url(), connectionTimeoutMillis: 5_000 });
    await client.connect();
    try {
      await client.query(`DROP DATABASE "${live}" WITH (FORCE)`);
      await client.query(`ALTER DATABASE "${replacement}" RENAME TO "${live}"`);
    } finally {
      await client.end();
    }
  }

  /** Runs a client tool of the server's own version against it. */
  private async client(tool: string, args: readonly string[]): Promise<void> {
    const bins = await findPostgresBinaries(process.env);
    if (bins === undefined) throw new Error('the Postgres binaries are gone');
    // pg_ctl may be linked into a directory of its own (e.g. /usr/local/bin): the tools are beside its target.
    await run(join(dirname(await realpath(bins.pgCtl)), tool), ['--host=127.0.0.1', `--port=${this.port}`, '--username=postgres', ...args]);
  }

  /** Starts it (again) on the same port and data directory. */
  async start(): Promise<void> {
    if (this.server !== undefined) return;
    this.server = await startLocalPostgres({ dataDir: this.dataDir, port: this.port, log: this.log });
  }

  /** A fast shutdown: open sessions are terminated, as when a database server restarts. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    await server?.stop();
  }
}

const run = promisify(execFile);
