import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import * as ws from 'ws';
import { liveEvent } from '../../test/support/fakes.js';
import { WsPair } from '../../test/support/ws-pair.js';
import { encodeBatch } from '../protocol/frames.js';
import { preFramedWriterOf, preFramedWritesSupported } from './ws-internals.js';

/*
 * Each assumption ws-internals.ts makes about `ws`, checked on the installed (pinned) version: if one of
 * these fails after an upgrade, the internal it names has changed and the module must follow it.
 */

const pair = new WsPair();
afterEach(() => pair.close());

type FrameOf = (data: Buffer, options: { fin: boolean; opcode: number; mask: boolean; readOnly: boolean; rsv1: boolean }) => Buffer[];

describe('ws internals', () => {
  it('Sender#sendFrame writes the list it is given, whole, to the socket (startup probe)', () => {
    expect(preFramedWritesSupported).toBe(true);
  });

  it("gives a writer for a socket without extensions (its sender is `_sender`), none with permessage-deflate", async () => {
    const plain = await pair.open(false);
    expect(preFramedWriterOf(plain.serverSide)).toBeTypeOf('function');
    await pair.close();
    const deflating = await pair.open(true);
    expect(deflating.serverSide.extensions).toContain('permessage-deflate');
    expect(preFramedWriterOf(deflating.serverSide)).toBeUndefined();
  });

  it("lands pre-framed writes whole and in order between ws's own frames: send, ping, close", async () => {
    const { serverSide, client } = await pair.open(false);
    const write = preFramedWriterOf(serverSide)!;
    const seen: string[] = [];
    client.on('message', (data) => seen.push(`message ${(JSON.parse(String(data)) as { type: string }).type}`));
    client.on('ping', () => seen.push('ping'));
    const closed = once(client, 'close') as Promise<[number]>;
    const events = [1, 2].map((seq) => liveEvent(seq));
    write(events[0]!.encoded('json').wire);
    serverSide.send('{"type":"pong"}');
    serverSide.ping();
    write(
      encodeBatch(
        'json',
        events.map((event) => event.encoded('json').payload),
      ).wire,
    );
    serverSide.close(1001, 'going away');
    const [code] = await closed;
    expect(code).toBe(1001);
    expect(seen).toEqual(['message event', 'message pong', 'ping', 'message batch']);
  });

  it('counts pre-framed bytes the kernel has not taken in bufferedAmount', async () => {
    const { serverSide, client } = await pair.open(false);
    client.pause();
    const write = preFramedWriterOf(serverSide)!;
    const batch = encodeBatch('json', [Buffer.alloc(1 << 20, 0x31)]);
    for (let i = 0; i < 16; i++) write(batch.wire);
    // 16 MB cannot all be in the kernel's socket buffers of a paused peer.
    expect(serverSide.bufferedAmount).toBeGreaterThan(batch.wire[0].length);
  });

  it.each([125, 126, 65_535, 65_536])("frames as ws's own Sender.frame does (a frame of %i bytes)", (length) => {
    const emptyBatchBytes = encodeBatch('json', []).frame.length;
    const { frame, wire } = encodeBatch('json', [Buffer.alloc(length - emptyBatchBytes, 0x31)]);
    expect(frame.length).toBe(length);
    const senderFrame = (ws as unknown as { Sender: { frame: FrameOf } }).Sender.frame;
    const expected = Buffer.concat(senderFrame(frame, { fin: true, opcode: 1, mask: false, readOnly: false, rsv1: false }));
    expect(wire[0].equals(expected)).toBe(true);
  });
});
