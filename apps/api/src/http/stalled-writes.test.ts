import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { closeStalledWrites } from './stalled-writes.js';

/** 64 MB in 64 KB chunks: far more than loopback's buffers hold, so a client that does not read leaves bytes waiting. */
const CHUNK = Buffer.alloc(64 * 1024, 'a');
const CHUNKS = 1024;

async function largeAnswerServer(timeoutMs: number): Promise<{ server: Server; port: number; serverSockets: Socket[] }> {
  const serverSockets: Socket[] = [];
  const server = createServer((request, response) => {
    serverSockets.push(request.socket);
    response.writeHead(200, { 'content-length': CHUNK.length * CHUNKS });
    let written = 0;
    const writeMore = () => {
      while (written < CHUNKS) {
        written++;
        if (!response.write(CHUNK)) return void response.once('drain', writeMore);
      }
      response.end();
    };
    writeMore();
  });
  closeStalledWrites(server, timeoutMs);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, port: (server.address() as AddressInfo).port, serverSockets };
}

async function requestWithoutReading(port: number): Promise<Socket> {
  const client = connect({ port, host: '127.0.0.1' });
  await once(client, 'connect');
  client.pause();
  client.on('error', () => undefined);
  client.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
  return client;
}

describe('closeStalledWrites', () => {
  let server: Server | undefined;
  const clients: Socket[] = [];
  afterEach(async () => {
    for (const client of clients.splice(0)) client.destroy();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    server = undefined;
  });

  it('closes a connection whose client stopped reading its answer, after the timeout', async () => {
    const started = await largeAnswerServer(200);
    server = started.server;
    clients.push(await requestWithoutReading(started.port));
    await expect.poll(() => started.serverSockets.length).toBe(1);
    const socket = started.serverSockets[0] as Socket;
    const began = Date.now();
    await once(socket, 'close');
    const waited = Date.now() - began;
    expect(waited).toBeGreaterThanOrEqual(150);
    expect(waited).toBeLessThan(3_000);
  });

  it('leaves a slow reader alone while its answer keeps moving', async () => {
    const started = await largeAnswerServer(1_000);
    server = started.server;
    const client = await requestWithoutReading(started.port);
    clients.push(client);
    await expect.poll(() => started.serverSockets.length).toBe(1);
    const socket = started.serverSockets[0] as Socket;
    // Reads one chunk (≤ 64 KB) per turn of the event loop, pausing in between: loopback's buffers of a
    // few MB drain well within a second, so the answer never stops moving that long. Watched for 2 s.
    client.on('data', () => {
      client.pause();
      setImmediate(() => client.resume());
    });
    client.resume();
    for (let tick = 0; tick < 40; tick++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(socket.destroyed).toBe(false);
    }
    expect(client.bytesRead).toBeGreaterThan(10 * 1024 * 1024);
  });

  it('does nothing with a timeout of 0', async () => {
    const started = await largeAnswerServer(0);
    server = started.server;
    clients.push(await requestWithoutReading(started.port));
    await expect.poll(() => started.serverSockets.length).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(started.serverSockets[0]?.destroyed).toBe(false);
  });
});
