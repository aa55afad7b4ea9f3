import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { isEventFrame, isoMillisAt, scanEvents } from './frame-scan.js';
import { FrameParser, LeanWebSocket, maskedFrame, ProtocolError } from './lean-websocket.js';
import { productEventJson, random } from './workload.js';

/** An unmasked server frame, as `ws` writes it. */
function serverFrame(opcode: number, payload: Buffer, fin = true): Buffer {
  const length = payload.length;
  const header = length < 126 ? Buffer.from([0, length]) : length < 0x10000 ? Buffer.from([0, 126, length >> 8, length & 0xff]) : Buffer.alloc(10);
  if (length >= 0x10000) {
    header[1] = 127;
    header.writeUInt32BE(length, 6);
  }
  header[0] = (fin ? 0x80 : 0) | opcode;
  return Buffer.concat([header, payload]);
}

function collect(chunks: Buffer[]): { opcode: number; text: string }[] {
  const out: { opcode: number; text: string }[] = [];
  const parser = new FrameParser((opcode, payload) => out.push({ opcode, text: payload.toString() }), 1 << 24);
  for (const chunk of chunks) parser.push(chunk);
  return out;
}

describe('FrameParser', () => {
  it('yields the same messages however the stream is cut into reads', () => {
    const messages = ['a', 'x'.repeat(125), 'y'.repeat(126), 'z'.repeat(70_000), ''];
    const stream = Buffer.concat(messages.map((m) => serverFrame(1, Buffer.from(m))));
    const next = random(99);
    for (let run = 0; run < 300; run++) {
      const cuts = new Set(Array.from({ length: Math.floor(next() * 40) }, () => 1 + Math.floor(next() * (stream.length - 1))));
      const bounds = [0, ...[...cuts].sort((a, b) => a - b), stream.length];
      const chunks = bounds.slice(1).map((end, i) => stream.subarray(bounds[i], end));
      expect(collect(chunks).map((m) => m.text)).toEqual(messages);
    }
    // Every read a single byte: each header and length field arrives in pieces.
    expect(collect([...stream.subarray(0, 400)].map((byte) => Buffer.from([byte]))).map((m) => m.text)).toEqual(messages.slice(0, 3));
  });

  it('joins a fragmented message and passes control frames between its fragments', () => {
    const stream = Buffer.concat([serverFrame(1, Buffer.from('he'), false), serverFrame(9, Buffer.from('p')), serverFrame(0, Buffer.from('llo'))]);
    expect(collect([stream])).toEqual([
      { opcode: 9, text: 'p' },
      { opcode: 1, text: 'hello' },
    ]);
  });

  it.each([
    ['a masked frame', Buffer.from([0x81, 0x81, 1, 2, 3, 4, 5])],
    ['reserved bits', Buffer.from([0xc1, 0x01, 0x61])],
    ['an unknown opcode', Buffer.from([0x83, 0x00])],
    ['a continuation out of nowhere', Buffer.from([0x80, 0x00])],
    ['a fragmented ping', Buffer.from([0x09, 0x00])],
  ])('rejects %s', (_, bytes) => {
    expect(() => collect([bytes])).toThrow(ProtocolError);
  });

  it('rejects a frame larger than the limit before it arrives whole', () => {
    const parser = new FrameParser(() => {}, 100);
    expect(() => parser.push(Buffer.from([0x81, 126, 0, 101]))).toThrow(/exceeds 100/);
  });

  it('masks client frames so that unmasking restores the payload', () => {
    const payload = Buffer.from('{"type":"subscribe","topics":["catalog"]}'.repeat(5));
    const frame = maskedFrame(1, payload);
    expect(frame[0]).toBe(0x81);
    expect(frame[1]).toBe(0x80 | 126);
    const mask = frame.subarray(4, 8);
    const unmasked = Buffer.from(frame.subarray(8).map((byte, i) => byte ^ mask[i & 3]!));
    expect(unmasked.equals(payload)).toBe(true);
  });
});

describe('LeanWebSocket against a ws server', () => {
  let server: WebSocketServer | undefined;
  afterEach(() => server?.close());

  it('handshakes with a subprotocol, exchanges messages, answers pings and completes the close handshake', async () => {
    server = new WebSocketServer({ port: 0, host: '127.0.0.1', handleProtocols: (offered) => [...offered][0] ?? false });
    await once(server, 'listening');
    const pongs: string[] = [];
    const serverClosed = new Promise<number>((resolve) =>
      server!.on('connection', (socket) => {
        socket.on('pong', (data) => pongs.push(data.toString()));
        socket.on('message', (data) => {
          socket.ping('hb');
          socket.send(`echo:${String(data)}`);
          socket.send('z'.repeat(100_000));
        });
        socket.on('close', (code) => resolve(code));
      }),
    );
    const received: string[] = [];
    let closedWith = 0;
    const closed = new Promise<void>((resolve, reject) => {
      const client: LeanWebSocket = new LeanWebSocket(
        `ws://127.0.0.1:${(server!.address() as AddressInfo).port}/ws?x=1`,
        { protocol: 'livecart.v1.json' },
        {
          onOpen: () => client.send('hi'),
          onMessage: (payload) => {
            received.push(payload.toString());
            if (received.length === 2) for (const socket of server!.clients) socket.close(4000, 'bye');
          },
          onClose: (code) => {
            closedWith = code;
            resolve();
          },
          onError: reject,
        },
      );
    });
    await closed;
    expect(received).toEqual(['echo:hi', 'z'.repeat(100_000)]);
    expect(pongs).toEqual(['hb']);
    expect(closedWith).toBe(4000);
    expect(await serverClosed).toBe(4000);
  });
});

describe('scanEvents', () => {
  const raw = (seq: number) => productEventJson(seq, seq % 7, 1, [`product:${seq}`, 'category:quality-Aq']);

  it('finds every seq and occurredAt of a batch, in order, as JSON.parse reads them', () => {
    const events = [3, 17, 1_234_567].map(raw);
    const frame = Buffer.from(`{"type":"batch","events":[${events.join(',')}]}`);
    const found: [number, number][] = [];
    scanEvents(frame, true, (seq, at) => found.push([seq, at]));
    expect(isEventFrame(frame)).toBe(true);
    expect(found).toEqual(events.map((json) => JSON.parse(json) as { seq: number; occurredAt: string }).map((e) => [e.seq, Date.parse(e.occurredAt)]));
  });

  it('reads an event frame and skips the time when asked to', () => {
    const frame = Buffer.from(`{"type":"event","event":${raw(42)}}`);
    const found: [number, number][] = [];
    scanEvents(frame, false, (seq, at) => found.push([seq, at]));
    expect(found).toEqual([[42, Number.NaN]]);
  });

  it('parses ISO timestamps as Date.parse does, and refuses other shapes', () => {
    const next = random(5);
    for (let run = 0; run < 1_000; run++) {
      const ms = Math.floor(next() * 4_102_444_800_000);
      expect(isoMillisAt(Buffer.from(new Date(ms).toISOString()), 0)).toBe(ms);
    }
    expect(isoMillisAt(Buffer.from('2026-11-22 10:00:00.000Z'), 0)).toBeNaN();
    expect(isoMillisAt(Buffer.from('2026-11-22T10:0x:00.000Z'), 0)).toBeNaN();
  });

  it('is not fooled by the anchor bytes elsewhere in the JSON', () => {
    const frame = Buffer.from('{"seq":5,"q":"qq","type":"x","topics":["A"],"occurredAt":"2026-01-02T03:04:05.006Z","data":{"seqq":1}}');
    const found: [number, number][] = [];
    scanEvents(frame, true, (seq, at) => found.push([seq, at]));
    expect(found).toEqual([[5, Date.UTC(2026, 0, 2, 3, 4, 5, 6)]]);
  });
});
