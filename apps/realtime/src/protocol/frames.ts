import { encode } from '@msgpack/msgpack';
import type { BatchMessage, EventMessage, ServerMessage } from '@livecart/schemas';
import type { Format } from './format.js';

/*
 * Event and batch frames are assembled from bytes encoded once per event, never by re-serializing per
 * client: JSON by concatenating the raw event JSON received from Redis, MessagePack by concatenating the
 * event's encoded map behind a hand-written header. Every other server message is rare and simply encoded.
 */

const JSON_EVENT_HEAD = '{"type":"event","event":';
const JSON_EVENT_HEAD_BYTES = Buffer.byteLength(JSON_EVENT_HEAD);
const JSON_BATCH_HEAD = Buffer.from('{"type":"batch","events":[');
const JSON_BATCH_SEPARATOR = Buffer.from(',');
const JSON_BATCH_TAIL = Buffer.from(']}');

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** `{"type":"event","event":…}` and `{"type":"batch","events":` as MessagePack maps whose last value is left open. */
const MSGPACK_EVENT_HEAD = Buffer.concat([Buffer.from([0x82]), toBuffer(encode('type')), toBuffer(encode('event')), toBuffer(encode('event'))]);
const MSGPACK_BATCH_HEAD = Buffer.concat([Buffer.from([0x82]), toBuffer(encode('type')), toBuffer(encode('batch')), toBuffer(encode('events'))]);

function msgpackArrayHeader(length: number): Buffer {
  if (length < 16) return Buffer.from([0x90 | length]);
  if (length < 0x10000) {
    const header = Buffer.allocUnsafe(3);
    header[0] = 0xdc;
    header.writeUInt16BE(length, 1);
    return header;
  }
  const header = Buffer.allocUnsafe(5);
  header[0] = 0xdd;
  header.writeUInt32BE(length, 1);
  return header;
}

/** An `event` frame and, inside it, the bytes of the event alone (a view, for batches). */
export interface EncodedEvent {
  frame: Buffer;
  payload: Buffer;
}

export function encodeJsonEvent(raw: string): EncodedEvent {
  const frame = Buffer.from(`${JSON_EVENT_HEAD}${raw}}`);
  return { frame, payload: frame.subarray(JSON_EVENT_HEAD_BYTES, frame.length - 1) };
}

export function encodeMsgpackEvent(event: unknown): EncodedEvent {
  const payload = toBuffer(encode(event));
  const frame = Buffer.concat([MSGPACK_EVENT_HEAD, payload]);
  return { frame, payload: frame.subarray(MSGPACK_EVENT_HEAD.length) };
}

/** A `batch` frame holding already-encoded event payloads, in the order given. */
export function encodeBatch(format: Format, payloads: readonly Buffer[]): Buffer {
  const parts: Buffer[] = [];
  if (format === 'json') {
    parts.push(JSON_BATCH_HEAD);
    for (let i = 0; i < payloads.length; i++) {
      if (i > 0) parts.push(JSON_BATCH_SEPARATOR);
      parts.push(payloads[i]!);
    }
    parts.push(JSON_BATCH_TAIL);
  } else {
    parts.push(MSGPACK_BATCH_HEAD, msgpackArrayHeader(payloads.length), ...payloads);
  }
  return Buffer.concat(parts);
}

/** Every server message but the event-carrying ones. */
export type ControlMessage = Exclude<ServerMessage, EventMessage | BatchMessage>;

/** Control messages (welcome, subscribed, error, …): rare, so plain serialization is fine. */
export function encodeMessage(format: Format, message: ControlMessage): Buffer {
  return format === 'json' ? Buffer.from(JSON.stringify(message)) : toBuffer(encode(message));
}
