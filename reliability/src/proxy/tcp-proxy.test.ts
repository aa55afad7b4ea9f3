import net from 'node:net';
import { once } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import { waitUntil } from '@livecart/local-services/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TcpProxy } from './tcp-proxy.js';

/** A peer that echoes every byte back. */
async function startEcho(): Promise<{ port: number; server: net.Server }> {
  const server = net.createServer((socket) => {
    socket.on('error', () => {});
    socket.pipe(socket);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { port: (server.address() as net.AddressInfo).port, server };
}

/** A client that collects what it receives and how it ended. */
async function connect(port: number): Promise<{ socket: net.Socket; received: () => string; ended: Promise<string> }> {
  const socket = net.connect({ host: '127.0.0.1', port });
  let text = '';
  socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const ended = new Promise<string>((resolve) => {
    socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    socket.on('close', () => resolve('closed'));
  });
  await once(socket, 'connect');
  return { socket, received: () => text, ended };
}

describe('TcpProxy', () => {
  let echo: { port: number; server: net.Server };
  let proxy: TcpProxy;
  const sockets: net.Socket[] = [];

  beforeEach(async () => {
    echo = await startEcho();
    proxy = await TcpProxy.start({ name: 'test', target: { host: '127.0.0.1', port: echo.port } });
  });

  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.destroy();
    await proxy.close();
    echo.server.close();
  });

  async function client() {
    const opened = await connect(proxy.port);
    sockets.push(opened.socket);
    return opened;
  }

  it('forwards both ways and counts connections', async () => {
    const a = await client();
    const b = await client();
    a.socket.write('hello');
    b.socket.write('world');
    await waitUntil(() => a.received() === 'hello' && b.received() === 'world', { what: 'both echoes', timeoutMs: 2_000, intervalMs: 5 });
    expect(proxy.stats()).toMatchObject({ accepted: 2, open: 2, reset: 0 });
    a.socket.end();
    await waitUntil(() => proxy.stats().open === 1, { what: 'the closed pair to be forgotten', timeoutMs: 2_000, intervalMs: 5 });
  });

  it('holds bytes back while stalled, without closing, and delivers them when passing again', async () => {
    const a = await client();
    await proxy.stall();
    a.socket.write('held');
    const late = await client();
    late.socket.write('late');
    await delay(200);
    expect(a.received()).toBe('');
    expect(late.received()).toBe('');
    expect(a.socket.destroyed).toBe(false);

    await proxy.pass();
    await waitUntil(() => a.received() === 'held' && late.received() === 'late', { what: 'the held bytes', timeoutMs: 2_000, intervalMs: 5 });
  });

  it('cuts every open connection with a reset and keeps accepting new ones', async () => {
    const a = await client();
    const b = await client();
    expect(proxy.reset()).toBe(2);
    expect(await a.ended).toBe('ECONNRESET');
    expect(await b.ended).toBe('ECONNRESET');
    const c = await client();
    c.socket.write('again');
    await waitUntil(() => c.received() === 'again', { what: 'a new connection to pass', timeoutMs: 2_000, intervalMs: 5 });
    expect(proxy.stats()).toMatchObject({ reset: 2, open: 1, accepted: 3 });
  });

  it('refuses new connections while open ones keep passing, and listens again on the same port', async () => {
    const port = proxy.port;
    const a = await client();
    await proxy.refuse();
    const refused = await new Promise<string>((resolve) => {
      const socket = net.connect({ host: '127.0.0.1', port });
      socket.on('connect', () => resolve('connected'));
      socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    });
    expect(refused).toBe('ECONNREFUSED');
    a.socket.write('still');
    await waitUntil(() => a.received() === 'still', { what: 'the open connection', timeoutMs: 2_000, intervalMs: 5 });

    await proxy.pass();
    expect(proxy.port).toBe(port);
    const b = await client();
    b.socket.write('back');
    await waitUntil(() => b.received() === 'back', { what: 'a connection after refusing', timeoutMs: 2_000, intervalMs: 5 });
  });

  it('closes an accepted connection whose target is down, and counts it', async () => {
    await new Promise<void>((resolve) => echo.server.close(() => resolve()));
    const a = await client();
    expect(['ECONNRESET', 'closed']).toContain(await a.ended);
    expect(proxy.stats().targetRefused).toBe(1);
    expect(proxy.stats().open).toBe(0);
  });

  it('rewrites a service URL to go through the proxy', () => {
    expect(proxy.rewrite('postgres://postgres@127.0.0.1:5999/livecart')).toBe(`postgres://postgres@127.0.0.1:${proxy.port}/livecart`);
    expect(proxy.rewrite('redis://127.0.0.1:6999')).toBe(`redis://127.0.0.1:${proxy.port}`);
  });
});
