import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { liveEvent } from '../../test/support/fakes.js';
import { WsPair } from '../../test/support/ws-pair.js';
import { encodeBatch } from '../protocol/frames.js';
import { WsTransport } from './ws-transport.js';

const pair = new WsPair();
afterEach(() => pair.close());

describe('WsTransport', () => {
  it.each([false, true])('delivers event, batch and control frames in the order sent (permessage-deflate: %s)', async (deflate) => {
    const { serverSide, client } = await pair.open(deflate);
    const received: string[] = [];
    client.on('message', (data) => received.push(String(data)));
    const transport = new WsTransport(serverSide, 'json', 1_000);
    const events = [1, 2, 3].map((seq) => liveEvent(seq));
    transport.send(events[0]!.encoded('json'));
    transport.sendMessage({ type: 'pong', ts: 1 });
    transport.send(
      encodeBatch(
        'json',
        events.map((event) => event.encoded('json').payload),
      ),
    );
    await expect.poll(() => received.length).toBe(3);
    expect(received.map((text) => JSON.parse(text) as unknown)).toEqual([
      { type: 'event', event: JSON.parse(events[0]!.raw) },
      { type: 'pong', ts: 1 },
      { type: 'batch', events: events.map((event) => JSON.parse(event.raw)) },
    ]);
  });

  it('writes nothing once the socket is closing', async () => {
    const { serverSide, client } = await pair.open(false);
    const received: string[] = [];
    client.on('message', (data) => received.push(String(data)));
    const transport = new WsTransport(serverSide, 'json', 1_000);
    serverSide.close(1001, 'going away');
    transport.send(liveEvent(1).encoded('json'));
    transport.sendMessage({ type: 'pong', ts: 1 });
    const [code] = (await once(client, 'close')) as [number];
    expect(code).toBe(1001);
    expect(received).toEqual([]);
  });

  it('kicks with the code given, and cuts off a peer that does not answer the close in time', async () => {
    const { serverSide, client } = await pair.open(false);
    // A peer that stopped reading never sees the close frame, so never answers it.
    client.pause();
    const closed = once(serverSide, 'close') as Promise<[number]>;
    new WsTransport(serverSide, 'json', 50).kick(4000, 'slow consumer');
    const [code] = await closed;
    // Terminated, not closed cleanly: no close frame came back.
    expect(code).toBe(1006);
  });
});
