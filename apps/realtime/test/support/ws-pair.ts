import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';

/** A bare `ws` server and one client of it, for tests of what is written to a single socket. */
export class WsPair {
  private server: WebSocketServer | undefined;

  /** Opens a server (permessage-deflate as asked) and a client; resolves with both ends once open. */
  async open(perMessageDeflate: boolean): Promise<{ serverSide: WebSocket; client: WebSocket }> {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate });
    this.server = server;
    await once(server, 'listening');
    const accepted = once(server, 'connection') as Promise<[WebSocket]>;
    const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`, { perMessageDeflate });
    await once(client, 'open');
    const [serverSide] = await accepted;
    return { serverSide, client };
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server === undefined) return;
    for (const client of server.clients) client.terminate();
    await new Promise((resolve) => server.close(resolve));
  }
}
