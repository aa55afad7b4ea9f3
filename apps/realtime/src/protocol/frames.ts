import { encode } from '@msgpack/msgpack';
import type { BatchMessage, EventMessage, ServerMessage } from '@livecart/schemas';
import type { Format } from './format.js';

/*
 * Event and batch frames are assembled from bytes encoded once per event, never by re-serializing per
 * client: JSON by concatenating the raw event JSON received from Redis, MessagePack by concatenating the
 * event's encoded map behind a hand-written header. Each is built with its WebSocket frame header in
 * front, so a socket can be handed the finished bytes in one write. Every other server message is rare
 * and simply encoded.
 */

const JSON_EVENT_HEAD = '{"type":"event","event":';
const JSON_EVENT_HEAD_BYTES = Buffer.byteLength(JSON_EVENT_HEAD);
const JSON_BATCH_HEAD = Buffer.from('{"type":"batch","events":[');
const JSON_BATCH_SEPARATOR = 0x2c; // ,
const JSON_BATCH_TAIL = Buffer.from(']}');

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** `{"type":"event","event":…}` and `{"type":"batch","events":` as MessagePack maps whose last value is left open. */
const MSGPACK_EVENT_HEAD = Buffer.concat([Buffer.from([0x82]), toBuffer(encode('type')), toBuffer(encode('event')), toBuffer(encode('event'))]);
const MSGPACK_BATCH_HEAD = Buffer.concat([Buffer.from([0x82]), toBuffer(encode('type')), toBuffer(encode('batch')), toBuffer(encode('events'))]);

function msgpackArrayHeaderLength(length: number): number {
  return length < 16 ? 1 : length < 0x10000 ? 3 : 5;
}

function writeMsgpackArrayHeader(target: Buffer, at: number, length: number): void {
  if (length < 16) target[at] = 0x90 | length;
  else if (length < 0x10000) {
    target[at] = 0xdc;
    target.writeUInt16BE(length, at + 1);
  } else {
    target[at] = 0xdd;
    target.writeUInt32BE(length, at + 1);
  }
}

/** Bytes of the header of an unmasked WebSocket frame carrying `length` bytes (RFC 6455 §5.2). */
function wsHeaderLength(length: number): number {
  return length < 126 ? 2 : length < 0x10000 ? 4 : 10;
}

/** A buffer holding a final, unmasked frame header for `length` bytes, with room for them after it. */
function allocWsFrame(format: Format, length: number): { wire: Buffer; at: number } {
  const at = wsHeaderLength(length);
  const wire = Buffer.allocUnsafe(at + length);
  wire[0] = format === 'json' ? 0x81 : 0x82; // FIN + text / binary
  if (at === 2) wire[1] = length;
  else if (at === 4) {
    wire[1] = 126;
    wire.writeUInt16BE(length, 2);
  } else {
    wire[1] = 127;
    wire.writeUInt32BE(0, 2);
    wire.writeUInt32BE(length, 6);
  }
  return { wire, at };
}

/** A message already behind its WebSocket frame header, as the list of buffers a `ws` sender writes (here: one). */
export type PreFramed = readonly [Buffer];

/** One server message: `frame` is the message; `wire`, the same bytes behind their WebSocket frame header. */
export interface OutgoingFrame {
  frame: Buffer;
  wire: PreFramed;
}

/** An `event` frame and, inside it, the bytes of the event alone (a view, for batches). */
export interface EncodedEvent extends OutgoingFrame {
  payload: Buffer;
}

export function encodeJsonEvent(raw: string): EncodedEvent {
  const rawBytes = Buffer.byteLength(raw);
  const { wire, at } = allocWsFrame('json', JSON_EVENT_HEAD_BYTES + rawBytes + 1);
  wire.write(JSON_EVENT_HEAD, at, 'latin1');
  wire.write(raw, at + JSON_EVENT_HEAD_BYTES, 'utf8');
  wire[wire.length - 1] = 0x7d; // }
  const frame = wire.subarray(at);
  return { frame, wire: [wire], payload: frame.subarray(JSON_EVENT_HEAD_BYTES, frame.length - 1) };
}

export function encodeMsgpackEvent(event: unknown): EncodedEvent {
  const body = encode(event);
  const { wire, at } = allocWsFrame('msgpack', MSGPACK_EVENT_HEAD.length + body.length);
  wire.set(MSGPACK_EVENT_HEAD, at);
  wire.set(body, at + MSGPACK_EVENT_HEAD.length);
  const frame = wire.subarray(at);
  return { frame, wire: [wire], payload: frame.subarray(MSGPACK_EVENT_HEAD.length) };
}

/** A `batch` frame holding already-encoded event payloads, in the order given. */
export function encodeBatch(format: Format, payloads: readonly Buffer[]): OutgoingFrame {
  let bytes = 0;
  for (const payload of payloads) bytes += payload.length;
  if (format === 'json') {
    const { wire, at } = allocWsFrame(format, JSON_BATCH_HEAD.length + bytes + Math.max(0, payloads.length - 1) + JSON_BATCH_TAIL.length);
    wire.set(JSON_BATCH_HEAD, at);
    let offset = at + JSON_BATCH_HEAD.length;
    for (let i = 0; i < payloads.length; i++) {
      if (i > 0) wire[offset++] = JSON_BATCH_SEPARATOR;
      wire.set(payloads[i]!, offset);
      offset += payloads[i]!.length;
    }
    wire.set(JSON_BATCH_TAIL, offset);
    return { frame: wire.subarray(at), wire: [wire] };
  }
  const arrayHeader = msgpackArrayHeaderLength(payloads.length);
  const { wire, at } = allocWsFrame(format, MSGPACK_BATCH_HEAD.length + arrayHeader + bytes);
  wire.set(MSGPACK_BATCH_HEAD, at);
  writeMsgpackArrayHeader(wire, at + MSGPACK_BATCH_HEAD.length, payloads.length);
  let offset = at + MSGPACK_BATCH_HEAD.length + arrayHeader;
  for (const payload of payloads) {
    wire.set(payload, offset);
    offset += payload.length;
  }
  return { frame: wire.subarray(at), wire: [wire] };
}

/** Every server message but the event-carrying ones. */
export type ControlMessage = Exclude<ServerMessage, EventMessage | BatchMessage>;

/** Control messages (welcome, subscribed, error, …): rare, so plain serialization is fine. */
export function encodeMessage(format: Format, message: ControlMessage): Buffer {
  return format === 'json' ? Buffer.from(JSON.stringify(message)) : toBuffer(encode(message));
}
