import { join } from 'node:path';
import { findFreePort, startLocalPostgres, type LocalServer } from '@livecart/local-services';
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
