import { once } from 'node:events';
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import type { RefusedUpgradeReason } from '../protocol/client-stats.js';
import { UpgradeGate } from './upgrade-gate.js';
import { UpgradeHandler } from './upgrade-handler.js';

let httpServer: Server | undefined;
let wsServer: WebSocketServer | undefined;
/** Client ends of completed handshakes, left open so that only the server side can close them. */
const upgraded: Duplex[] = [];
afterEach(async () => {
  for (const socket of upgraded.splice(0)) socket.destroy();
  for (const client of wsServer?.clients ?? []) client.terminate();
  wsServer?.close();
  httpServer?.closeAllConnections();
  await new Promise((resolve) => httpServer?.close(resolve));
  httpServer = wsServer = undefined;
});

async function serve(gate: { maxConnections?: number; allowedOrigins?: string[] } = {}, onConnection?: (socket: WebSocket) => void) {
  const refused: RefusedUpgradeReason[] = [];
  const accepted: WebSocket[] = [];
  const failures: unknown[] = [];
  httpServer = createServer();
  wsServer = new WebSocketServer({ noServer: true });
  const handler = new UpgradeHandler(httpServer, {
    path: '/ws',
    server: wsServer,
    gate: new UpgradeGate({
      allowedOrigins: gate.allowedOrigins ?? [],
      allowNoOrigin: true,
      allowSameHost: false,
      maxConnections: gate.maxConnections ?? 10,
      openConnections: () => accepted.length,
      feedStarted: () => true,
    }),
    onRefused: (reason) => refused.push(reason),
    onConnection: onConnection ?? ((socket) => accepted.push(socket)),
    onConnectionError: (error) => failures.push(error),
  });
  httpServer.listen(0, '127.0.0.1');
  await once(httpServer, 'listening');
  const { port } = httpServer.address() as AddressInfo;
  return { handler, refused, accepted, failures, port };
}

/** An upgrade request as a client library sends it: the status it got, and the body of a refusal. */
async function upgrade(port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body?: unknown }> {
  const request = httpRequest({
    host: '127.0.0.1',
    port,
    path,
    headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==', ...headers },
  });
  request.end();
  return new Promise((resolve, reject) => {
    request.on('upgrade', (response: IncomingMessage, socket: Duplex) => {
      upgraded.push(socket);
      resolve({ status: response.statusCode ?? 0 });
    });
    request.on('response', async (response: IncomingMessage) => {
      const chunks: Buffer[] = [];
      for await (const chunk of response) chunks.push(chunk as Buffer);
      expect(response.headers.connection).toBe('close');
      resolve({ status: response.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString()) });
    });
    request.on('error', reject);
  });
}

describe('UpgradeHandler', () => {
  it('completes the handshake on its path and hands over the socket', async () => {
    const { port, accepted, refused } = await serve();
    expect(await upgrade(port, '/ws?client=1')).toEqual({ status: 101 });
    await expect.poll(() => accepted.length).toBe(1);
    expect(refused).toEqual([]);
  });

  it('cuts the socket off and reports it when setting up the connection throws', async () => {
    let server: WebSocket | undefined;
    const { port, failures } = await serve({}, (socket) => {
      server = socket;
      throw new Error('setup failed');
    });
    expect(await upgrade(port, '/ws')).toEqual({ status: 101 });
    await expect.poll(() => failures).toEqual([new Error('setup failed')]);
    await expect.poll(() => server?.readyState).toBe(server?.CLOSED);
  });

  it('answers an upgrade elsewhere 404 with the error envelope', async () => {
    const { port, accepted, refused } = await serve();
    expect(await upgrade(port, '/other')).toEqual({
      status: 404,
      body: { statusCode: 404, error: 'Not Found', message: 'no WebSocket endpoint here; use /ws' },
    });
    expect(refused).toEqual(['not_found']);
    expect(accepted).toEqual([]);
  });

  it("answers the gate's refusals with their status and envelope", async () => {
    const { port, refused } = await serve({ allowedOrigins: ['https://shop.example'] });
    const answer = await upgrade(port, '/ws', { Origin: 'https://evil.example' });
    expect(answer.status).toBe(403);
    expect(answer.body).toMatchObject({ statusCode: 403, error: 'Forbidden' });
    expect(refused).toEqual(['origin']);
  });

  it('refuses every upgrade with 503 once told to (shutdown)', async () => {
    const { port, handler, refused, accepted } = await serve();
    handler.refuseAll();
    const answer = await upgrade(port, '/ws');
    expect(answer.status).toBe(503);
    expect(answer.body).toMatchObject({ statusCode: 503, error: 'Service Unavailable' });
    expect(refused).toEqual(['shutting_down']);
    expect(accepted).toEqual([]);
  });
});
