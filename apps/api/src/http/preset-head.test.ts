import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { endWithHead, headerLines, httpDate, PRESET_HEAD_WORKS } from './preset-head.js';

describe('headerLines', () => {
  it('joins [name, value, …] into header lines', () => {
    expect(headerLines(['etag', '"3"', 'x-content-type-options', 'nosniff'])).toBe('etag: "3"\r\nx-content-type-options: nosniff\r\n');
    expect(headerLines([])).toBe('');
  });

  it('refuses what writeHead refuses: a line break in a value, a name that is no token, a name without its value', () => {
    expect(() => headerLines(['x-a', 'one\r\nset-cookie: x=1'])).toThrow(/Invalid character in header content/);
    expect(() => headerLines(['bad name', 'v'])).toThrow(/Header name must be a valid HTTP token/);
    expect(() => headerLines(['x-a'])).toThrow(/pairs/);
  });
});

describe('httpDate', () => {
  it('gives the IMF-fixdate of the current second and stays the same string within it', () => {
    const second = Date.UTC(2026, 11, 3, 14, 5, 9);
    expect(httpDate(second + 10)).toBe('Thu, 03 Dec 2026 14:05:09 GMT');
    expect(httpDate(second + 999)).toBe('Thu, 03 Dec 2026 14:05:09 GMT');
    expect(httpDate(second + 1000)).toBe('Thu, 03 Dec 2026 14:05:10 GMT');
    // Now, whichever side of a second boundary the call fell on.
    const before = new Date().toUTCString();
    const now = httpDate();
    expect([before, new Date().toUTCString()]).toContain(now);
  });
});

describe('endWithHead', () => {
  let server: Server | undefined;
  afterEach(async () => {
    if (server === undefined) return;
    server.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    server = undefined;
  });

  it('works on this Node: the startup probe found its bytes sent as given', () => {
    expect(PRESET_HEAD_WORKS).toBe(true);
  });

  /** GET /slow is answered by writeHead after 50 ms, everything else at once with a preset head. */
  async function start(): Promise<number> {
    server = createServer((request, response) => {
      if (request.url === '/slow') {
        setTimeout(() => {
          response.writeHead(200, { 'content-length': '4' });
          response.end('slow');
        }, 50);
      } else if (request.url === '/empty') {
        endWithHead(response, 304, 'HTTP/1.1 304 Not Modified\r\netag: "1"\r\n\r\n');
      } else {
        endWithHead(response, 200, `HTTP/1.1 200 OK\r\ncontent-length: ${request.url?.length}\r\n\r\n`, request.url);
      }
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return (server.address() as AddressInfo).port;
  }

  async function exchange(socket: Socket, requests: string, responses: number): Promise<string> {
    let received = '';
    const done = new Promise<void>((resolve) => {
      const onData = (chunk: Buffer) => {
        received += chunk.toString('latin1');
        if (received.split('HTTP/1.1 ').length - 1 === responses && /\r\n\r\n[^]*$/.test(received)) {
          socket.off('data', onData);
          resolve();
        }
      };
      socket.on('data', onData);
    });
    socket.write(requests);
    await done;
    await new Promise((resolve) => setTimeout(resolve, 20));
    return received;
  }

  it('keeps pipelined answers in request order and the connection open', async () => {
    const port = await start();
    const socket = connect({ port, host: '127.0.0.1' });
    await once(socket, 'connect');
    try {
      // The first answer is sent 50 ms after the second is ready: it must still come first.
      const pipelined = await exchange(socket, 'GET /slow HTTP/1.1\r\nHost: x\r\n\r\nGET /fast HTTP/1.1\r\nHost: x\r\n\r\n', 2);
      expect(pipelined).toMatch(/^HTTP\/1\.1 200 OK\r\n[^]*\r\n\r\nslowHTTP\/1\.1 200 OK\r\ncontent-length: 5\r\n\r\n\/fast$/);
      // A body-less answer, then the same connection still answers.
      expect(await exchange(socket, 'GET /empty HTTP/1.1\r\nHost: x\r\n\r\n', 1)).toBe('HTTP/1.1 304 Not Modified\r\netag: "1"\r\n\r\n');
      expect(await exchange(socket, 'GET /again HTTP/1.1\r\nHost: x\r\n\r\n', 1)).toBe('HTTP/1.1 200 OK\r\ncontent-length: 6\r\n\r\n/again');
      expect(socket.destroyed).toBe(false);
    } finally {
      socket.destroy();
    }
  });
});
