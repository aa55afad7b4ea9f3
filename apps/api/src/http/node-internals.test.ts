import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { answerUnderway, replaceFinalClose } from './node-internals.js';

/*
 * Each assumption node-internals.ts makes about Node's private API, checked on the running Node (the
 * version pnpm-workspace.yaml pins). A failure here means that module must change before the upgrade.
 */

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

async function serve(handler: (request: IncomingMessage, response: ServerResponse) => void): Promise<number> {
  server = createServer(handler);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

/** Sends `request` raw and resolves with everything received until the server closes. */
async function exchange(port: number, request: string): Promise<string> {
  const socket = connect({ port, host: '127.0.0.1' });
  await once(socket, 'connect');
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
  socket.write(request);
  await once(socket, 'close');
  return received;
}

describe('answerUnderway (socket._httpMessage)', () => {
  it('is false until the response on the socket has sent its head, then true', async () => {
    const seen: boolean[] = [];
    const port = await serve((request, response) => {
      seen.push(answerUnderway(request.socket));
      response.writeHead(200, { 'content-length': '2', connection: 'close' });
      response.write('o');
      seen.push(answerUnderway(request.socket));
      response.end('k');
    });
    expect(await exchange(port, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n')).toMatch(/\r\n\r\nok$/);
    expect(seen).toEqual([false, true]);
  });
});

describe('replaceFinalClose (socket.destroySoon)', () => {
  it('is what Node calls to end a connection after an answer with Connection: close', async () => {
    let replaced = 0;
    const port = await serve((request, response) => {
      const socket = request.socket;
      replaceFinalClose(socket, () => {
        replaced++;
        socket.end();
      });
      response.writeHead(200, { 'content-length': '2', connection: 'close' });
      response.end('ok');
    });
    expect(await exchange(port, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n')).toMatch(/\r\n\r\nok$/);
    expect(replaced).toBe(1);
  });
});
