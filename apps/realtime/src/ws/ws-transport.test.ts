import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { liveEvent } from '../../test/support/fakes.js';
import { encodeBatch } from '../protocol/frames.js';
import { rawStreamOf } from './raw-stream.js';
import { WsTransport } from './ws-transport.js';

let server: WebSocketServer | undefined;
afterEach(async () => {
  for (const client of server?.clients ?? []) client.terminate();
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

/** A ws server (deflate as asked) and one client of it; resolves with both ends once open. */
async function pair(perMessageDeflate: boolean): Promise<{ serverSide: WebSocket; client: WebSocket }> {
  server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate });
  await once(server, 'listening');
  const accepted = once(server, 'connection') as Promise<[WebSocket]>;
  const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`, { perMessageDeflate });
  await once(client, 'open');
  const [serverSide] = await accepted;
  return { serverSide, client };
}

describe('WsTransport', () => {
  it('writes pre-framed bytes straight to the socket, interleaved whole with what ws sends itself', async () => {
    const { serverSide, client } = await pair(false);
    expect(rawStreamOf(serverSide)).toBeDefined();
    const received: string[] = [];
    let pings = 0;
    client.on('ping', () => pings++);
    client.on('message', (data) => received.push(String(data)));
    const transport = new WsTransport(serverSide, 'json', 1_000);
    const events = [1, 2, 3].map((seq) => liveEvent(seq));
    const single = events[0]!.encoded('json');
    const batch = encodeBatch(
      'json',
      events.map((event) => event.encoded('json').payload),
    );
    transport.send(single.frame, single.wire);
    transport.sendMessage({ type: 'pong', ts: 1 });
    serverSide.ping();
    transport.send(batch.frame, batch.wire);
    transport.send(Buffer.from('{"type":"pong","ts":2}'));
    await expect.poll(() => received.length).toBe(4);
    expect(received.map((text) => JSON.parse(text) as { type: string })).toEqual([
      { type: 'event', event: JSON.parse(events[0]!.raw) },
      { type: 'pong', ts: 1 },
      { type: 'batch', events: events.map((event) => JSON.parse(event.raw)) },
      { type: 'pong', ts: 2 },
    ]);
    expect(pings).toBe(1);
    // What was written directly is still counted by ws while the kernel has not taken it.
    expect(transport.bufferedAmount).toBe(serverSide.bufferedAmount);
  });

  it('goes through ws when permessage-deflate was negotiated', async () => {
    const { serverSide, client } = await pair(true);
    expect(serverSide.extensions).toContain('permessage-deflate');
    expect(rawStreamOf(serverSide)).toBeUndefined();
    const message = once(client, 'message');
    const event = liveEvent(7).encoded('json');
    new WsTransport(serverSide, 'json', 1_000).send(event.frame, event.wire);
    const [data] = (await message) as [Buffer];
    expect((JSON.parse(String(data)) as { event: { seq: number } }).event.seq).toBe(7);
  });

  it('writes nothing once the socket is closing', async () => {
    const { serverSide, client } = await pair(false);
    const received: string[] = [];
    client.on('message', (data) => received.push(String(data)));
    const transport = new WsTransport(serverSide, 'json', 1_000);
    serverSide.close(1001, 'going away');
    const event = liveEvent(1).encoded('json');
    transport.send(event.frame, event.wire);
    const [code] = (await once(client, 'close')) as [number];
    expect(code).toBe(1001);
    expect(received).toEqual([]);
  });
});
