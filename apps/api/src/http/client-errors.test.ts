import { once } from 'node:events';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { createClientErrorAnswer } from './client-errors.js';
import { createResponseHeaders } from './response-headers.js';

const answerClientError = createClientErrorAnswer(createResponseHeaders({ corsOrigins: [], trustProxy: false }));

/** A server answering each request with `answer`, refusing bad bytes with answerClientError. */
async function startServer(answer: (response: ServerResponse) => void): Promise<{ server: Server; port: number }> {
  const server = createServer((_request, response) => answer(response));
  server.on('clientError', answerClientError);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, port: (server.address() as AddressInfo).port };
}

/** A good request, then (once its answer is under way) bytes no parser accepts; everything received until the close. */
async function pipelineJunk(port: number): Promise<string> {
  const socket = connect({ port, host: '127.0.0.1' });
  await once(socket, 'connect');
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
  const closed = once(socket, 'close');
  socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
  await delay(30);
  socket.write('FUZZ / HTTP/1.1\r\nHost: x\r\n\r\n');
  await closed;
  return received;
}

describe('answerClientError', () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    server = undefined;
  });

  it('never writes its refusal into the body of an answer already under way: the connection is cut instead', async () => {
    const started = await startServer((response) => {
      response.writeHead(200, { 'content-length': '10' });
      response.write('hello');
      setTimeout(() => response.end('world'), 100);
    });
    server = started.server;
    const received = await pipelineJunk(started.port);
    expect(received).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\nhello$/);
  });

  it('answers with the envelope when the earlier answer has not begun, as Node does', async () => {
    const started = await startServer((response) => setTimeout(() => response.end('late'), 100));
    server = started.server;
    const received = await pipelineJunk(started.port);
    expect(received).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(JSON.parse(received.slice(received.indexOf('\r\n\r\n') + 4))).toMatchObject({ statusCode: 400, details: [{ field: 'request', message: 'HPE_INVALID_METHOD' }] });
  });
});
