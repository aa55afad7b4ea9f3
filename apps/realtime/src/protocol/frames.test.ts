import { decode } from '@msgpack/msgpack';
import { ServerMessageSchema } from '@livecart/schemas';
import { describe, expect, it } from 'vitest';
import { liveEvent } from '../../test/support/fakes.js';
import { encodeBatch, encodeMessage } from './frames.js';

describe('frames', () => {
  it('wraps the raw event JSON in an event frame without re-serializing it', () => {
    const event = liveEvent(1);
    const { frame, payload } = event.encoded('json');
    expect(frame.toString()).toBe(`{"type":"event","event":${event.raw}}`);
    expect(payload.toString()).toBe(event.raw);
    expect(ServerMessageSchema.parse(JSON.parse(frame.toString()))).toMatchObject({ type: 'event', event: { seq: 1 } });
  });

  it('encodes each event once per format, lazily', () => {
    const event = liveEvent(1);
    expect(event.encoded('json')).toBe(event.encoded('json'));
    expect(event.encoded('msgpack')).toBe(event.encoded('msgpack'));
  });

  it('builds MessagePack event and batch frames that decode to the same shapes as JSON', () => {
    const events = [1, 2, 3].map((seq) => liveEvent(seq));
    const bodies = [1, 2, 3].map((seq) => JSON.parse(events[seq - 1]!.raw));
    expect(decode(events[0]!.encoded('msgpack').frame)).toEqual({ type: 'event', event: bodies[0] });
    const batch = encodeBatch('msgpack', events.map((e) => e.encoded('msgpack').payload)).frame;
    expect(decode(batch)).toEqual({ type: 'batch', events: bodies });
    expect(JSON.parse(encodeBatch('json', events.map((e) => e.encoded('json').payload)).frame.toString())).toEqual({
      type: 'batch',
      events: bodies,
    });
  });

  it.each([15, 16, 65_536])('writes the MessagePack array header for %i events', (count) => {
    const payload = liveEvent(1).encoded('msgpack').payload;
    const decoded = decode(encodeBatch('msgpack', Array.from({ length: count }, () => payload)).frame) as { events: unknown[] };
    expect(decoded.events).toHaveLength(count);
  });

  it.each([
    ['json', 10, 2],
    ['json', 1_000, 4],
    ['json', 70_000, 10],
    ['msgpack', 70_000, 10],
  ] as const)('puts a final, unmasked WebSocket header before a %s batch of %i bytes of events (%i bytes)', (format, bytes, headerBytes) => {
    const { frame, wire: [wire] } = encodeBatch(format, [Buffer.alloc(bytes / 2, 0x31), Buffer.alloc(bytes / 2, 0x32)]);
    expect(wire.subarray(headerBytes).equals(frame)).toBe(true);
    expect(wire[0]).toBe(format === 'json' ? 0x81 : 0x82);
    const length = headerBytes === 2 ? wire[1] : headerBytes === 4 ? wire.readUInt16BE(2) : Number(wire.readBigUInt64BE(2));
    expect(wire[1]! & 0x80).toBe(0);
    expect(length).toBe(frame.length);
  });

  it('frames a single event the same way, sharing bytes with the frame', () => {
    const { frame, wire: [wire] } = liveEvent(1).encoded('json');
    expect(wire.subarray(wire.length - frame.length).equals(frame)).toBe(true);
    expect(frame.buffer).toBe(wire.buffer);
    expect([wire[0], wire[1]]).toEqual([0x81, 126]);
    expect(wire.readUInt16BE(2)).toBe(frame.length);
  });

  it('encodes control messages per format', () => {
    const message = { type: 'pong', ts: 5, id: 'p' } as const;
    expect(JSON.parse(encodeMessage('json', message).toString())).toEqual(message);
    expect(decode(encodeMessage('msgpack', message))).toEqual(message);
  });
});
