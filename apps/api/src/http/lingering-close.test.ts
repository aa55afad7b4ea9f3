import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { lingerBeforeClose } from './lingering-close.js';

/**
 * A server that refuses every body unread, as Fastify does for a declared length over its limit: after
 * a moment (Fastify's hooks), so that part of the body has arrived unread when the socket closes.
 */
async function refusingServer(linger: (request: IncomingMessage) => void): Promise<{ server: Server; port: number }> {
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    linger(request);
    setTimeout(() => {
      response.writeHead(413, { 'content-type': 'application/json', connection: 'close' });
      response.end('{"statusCode":413}');
    }, 5);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return { server, port };
}

/** Sends a request with a 4 MB body in one go over a raw socket; how the exchange ended, and what came back. */
async function sendLargeBody(port: number): Promise<{ ending: string; received: string }> {
  const socket = connect({ port, host: '127.0.0.1' });
  await once(socket, 'connect');
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
  const ending = new Promise<string>((resolve) => {
    socket.on('error', (error: NodeJS.ErrnoException) => resolve(`error ${error.code ?? error.message}`));
    socket.on('close', () => resolve('closed'));
  });
  socket.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 4000000\r\n\r\n');
  socket.write(Buffer.alloc(4_000_000, 'x'));
  return { ending: await ending, received };
}

describe('lingerBeforeClose', () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    server = undefined;
  });

  it('lets clients still sending a large body read the early answer instead of a reset', async () => {
    const started = await refusingServer((request) => lingerBeforeClose(request, 1_000));
    server = started.server;
    // Without the linger, every one of these ends in EPIPE: the server's close resets the connection.
    for (let attempt = 0; attempt < 5; attempt++) {
      const { ending, received } = await sendLargeBody(started.port);
      expect(ending).toBe('closed');
      expect(received).toMatch(/^HTTP\/1\.1 413 /);
    }
    // Every socket is closed once its client has closed its side.
    await expect.poll(() => new Promise<number>((resolve) => server?.getConnections((_error, count) => resolve(count))), { timeout: 3_000 }).toBe(0);
  });

  it('closes a socket whose client stops sending and never closes, after the linger time', async () => {
    let serverSocketClosed: Promise<number> | undefined;
    const started = await refusingServer((request) => {
      lingerBeforeClose(request, 200);
      serverSocketClosed = once(request.socket, 'close').then(() => Date.now());
    });
    server = started.server;
    // allowHalfOpen: this client keeps its side open after the server's FIN, as a stuck uploader would.
    const socket = connect({ port: started.port, host: '127.0.0.1', allowHalfOpen: true });
    await once(socket, 'connect');
    socket.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10000000\r\n\r\n{"a":');
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    await once(socket, 'end');
    const answered = Date.now();
    expect(received).toMatch(/^HTTP\/1\.1 413 /);
    expect(serverSocketClosed).toBeDefined();
    const lingered = (await serverSocketClosed!) - answered;
    expect(lingered).toBeGreaterThanOrEqual(150);
    expect(lingered).toBeLessThan(2_000);
    socket.destroy();
  });

  it('leaves a request that arrived whole to close as Node closes it', async () => {
    const untouched: boolean[] = [];
    server = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        const before = request.socket.destroySoon;
        lingerBeforeClose(request);
        untouched.push(request.socket.destroySoon === before);
        response.writeHead(400, { connection: 'close' }).end();
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, { method: 'POST', body: '{}' });
    expect(response.status).toBe(400);
    expect(untouched).toEqual([true]);
  });
});
