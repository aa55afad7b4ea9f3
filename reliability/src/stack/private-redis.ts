import { join } from 'node:path';
import { findFreePort, startLocalRedis, type LocalServer } from '@livecart/local-services';

/**
 * A Redis server of the test's own that it may stop and start again on the same port. It persists
 * nothing, so a restart comes back empty: the event stream's history is gone.
 */
export class PrivateRedis {
  private server: LocalServer | undefined;

  private constructor(
    readonly port: number,
    private readonly dataDir: string,
    private readonly log: (line: string) => void,
  ) {}

  static async start(dir: string, log: (line: string) => void = () => {}): Promise<PrivateRedis> {
    const server = new PrivateRedis(await findFreePort(), join(dir, 'redis'), log);
    await server.start();
    return server;
  }

  get running(): boolean {
    return this.server !== undefined;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    if (this.server !== undefined) return;
    this.server = await startLocalRedis({ dataDir: this.dataDir, port: this.port, log: this.log });
  }

  /** SHUTDOWN NOSAVE: every connection drops and every key is lost. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    await server?.stop();
  }
}
