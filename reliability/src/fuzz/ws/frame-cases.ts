import fc from 'fast-check';
import { CLOSE_CODES } from '@livecart/schemas';
import { INVALID_UTF8_BYTES } from '../hostile-strings.js';
import { closePayload, encodeClientFrame, OPCODES, type ClientFrame } from './frame-codec.js';

/** RFC 6455 7.4.1: the peer broke the framing rules / sent text that is not UTF-8. */
export const PROTOCOL_ERROR = 1002;
export const INVALID_PAYLOAD = 1007;

/**
 * What the server must do about a case:
 * - `close`: send a close frame with one of these codes (after an `error` message with `error`, if given);
 * - `terminated`: drop the TCP connection without a close frame (ws' guard against ping floods);
 * - `open`: keep the connection, after sending at least `pongs` pongs and the `replies` listed (`pong`, `error:<code>`…).
 */
export type FrameExpectation =
  | { close: readonly number[]; error?: string }
  | { terminated: true }
  | { open: true; pongs?: number; replies?: readonly string[] };

/** Bytes already framed, written in one go, and how many frames they complete. */
export interface RawWrite {
  bytes: Buffer;
  frames: number;
}

/** A frame to encode, bytes to write as they are, or a pause in milliseconds. */
export type FrameStep = ClientFrame | RawWrite | number;

export interface FrameCase {
  name: string;
  /** `json` (default) or `msgpack`: the subprotocol the connection negotiates. */
  protocol?: 'json' | 'msgpack';
  steps: FrameStep[];
  expect: FrameExpectation;
}

/** How many frames a case sends. */
export function framesIn(frameCase: FrameCase): number {
  return frameCase.steps.reduce<number>((sum, step) => (typeof step === 'number' ? sum : sum + ('bytes' in step ? step.frames : 1)), 0);
}

/** `count` copies of one frame as a single write. */
function burst(frame: ClientFrame, count: number): RawWrite {
  return { bytes: Buffer.concat(Array.from({ length: count }, () => encodeClientFrame(frame))), frames: count };
}

const text = (payload: Buffer | string, extra: Partial<ClientFrame> = {}): ClientFrame => ({ opcode: OPCODES.text, payload, ...extra });
const PING_MESSAGE = '{"type":"ping"}';
/** A MessagePack fixstr (up to 31 bytes). */
const fixstr = (value: string) => Buffer.concat([Buffer.from([0xa0 | value.length]), Buffer.from(value)]);
/** `{"type":"ping"}` in MessagePack, written out by hand. */
const MSGPACK_PING = Buffer.concat([Buffer.from([0x81]), fixstr('type'), fixstr('ping')]);

/** MessagePack that is valid but absurd, or that lies about its sizes: each must cost one error, not the session. */
const MSGPACK_TRAPS: readonly Buffer[] = [
  Buffer.concat([Buffer.alloc(30_000, 0x91), Buffer.from([0xc0])]), // arrays nested 30 000 deep
  Buffer.concat([...Array.from({ length: 5_000 }, () => Buffer.concat([Buffer.from([0x81]), fixstr('a')])), Buffer.from([0xc0])]), // maps nested 5 000 deep
  Buffer.from([0xdd, 0xff, 0xff, 0xff, 0xff]), // an array announcing 2^32-1 items
  Buffer.from([0xdb, 0xff, 0xff, 0xff, 0xff, 0x61]), // a string announcing 4 GiB
  Buffer.concat([Buffer.from([0x82]), fixstr('type'), fixstr('ping'), fixstr('__proto__'), Buffer.from([0x81]), fixstr('polluted'), Buffer.from([0xc3])]),
  Buffer.from([0xd4, 0x05, 0x00]), // an application extension type
  Buffer.concat([Buffer.from([0x82]), fixstr('type'), fixstr('ping'), fixstr('id'), Buffer.from([0xd6, 0xff, 0, 0, 0, 1])]), // id as a timestamp
  Buffer.from([0x81, 0x01, 0xc0]), // an integer key
  Buffer.from([0xc4, 0x03, 0x61, 0x62, 0x63]), // raw bin
  Buffer.concat([Buffer.from([0x81]), fixstr('type'), fixstr('ping'), Buffer.from([0xc0, 0xc0])]), // trailing bytes
];

type Family = (random: fc.Arbitrary<Buffer>) => fc.Arbitrary<FrameCase>;

const junkBytes = fc.uint8Array({ minLength: 1, maxLength: 256 }).map((bytes) => Buffer.from(bytes));
const invalidUtf8 = fc.constantFrom(...INVALID_UTF8_BYTES).map((bytes) => Buffer.from(bytes));

/** Each family yields variations of one kind of abuse, all with the same required outcome. */
const FAMILIES: Record<string, Family> = {
  'invalid UTF-8 in a text frame': () =>
    fc.tuple(invalidUtf8, fc.constantFrom('{"type":"ping","id":"', '', 'x')).map(([bad, prefix]) => ({
      name: 'invalid UTF-8 in a text frame',
      steps: [text(Buffer.concat([Buffer.from(prefix), bad, Buffer.from('"}')]))],
      expect: { close: [INVALID_PAYLOAD] },
    })),
  'invalid UTF-8 in a continuation': () =>
    invalidUtf8.map((bad) => ({
      name: 'invalid UTF-8 in a continuation',
      steps: [text('{"type":"ping","id":"', { fin: false }), { opcode: OPCODES.continuation, payload: Buffer.concat([bad, Buffer.from('"}')]) }],
      expect: { close: [INVALID_PAYLOAD] },
    })),
  'a character split across fragments': () =>
    fc.constantFrom('é', '€', '😀').map((char) => {
      const bytes = Buffer.from(`{"type":"ping","id":"${char}"}`);
      const cut = bytes.indexOf(Buffer.from(char)) + 1;
      return {
        name: 'a character split across fragments (valid)',
        steps: [text(bytes.subarray(0, cut), { fin: false }), { opcode: OPCODES.continuation, payload: bytes.subarray(cut) }],
        expect: { open: true, replies: ['pong'] },
      };
    }),
  'frame over the payload limit': () =>
    fc.integer({ min: 32 * 1024 + 1, max: 200_000 }).map((size) => ({ name: 'frame over the payload limit', steps: [text('x'.repeat(size))], expect: { close: [CLOSE_CODES.MESSAGE_TOO_BIG] } })),
  'topic list beyond the payload limit': () =>
    fc.integer({ min: 800, max: 5_000 }).map((count) => ({
      name: `subscribe to ${count} topics (beyond the payload limit)`,
      steps: [text(JSON.stringify({ type: 'subscribe', topics: Array.from({ length: count }, (_, i) => `category:${'c'.repeat(40)}-${i}`) }))],
      expect: { close: [CLOSE_CODES.MESSAGE_TOO_BIG] },
    })),
  'frame announcing 2^40 bytes': () =>
    fc.constant({ name: 'frame announcing 2^40 bytes', steps: [text('{', { declaredLength: 2 ** 40 })], expect: { close: [CLOSE_CODES.MESSAGE_TOO_BIG] } }),
  'fragments adding up past the limit': () =>
    fc.integer({ min: 4, max: 12 }).map((count) => ({
      name: 'fragments adding up past the limit',
      steps: [
        text('x'.repeat(10_000), { fin: false }),
        ...Array.from({ length: count - 1 }, (_, i) => ({ opcode: OPCODES.continuation, payload: 'x'.repeat(10_000), fin: i === count - 2 })),
      ],
      expect: { close: [CLOSE_CODES.MESSAGE_TOO_BIG] },
    })),
  'binary junk in a JSON session': (random) =>
    random.map((bytes) => ({ name: 'binary junk in a JSON session', steps: [{ opcode: OPCODES.binary, payload: bytes }], expect: { close: [CLOSE_CODES.POLICY_VIOLATION], error: 'unsupported_frame' } })),
  'text in a MessagePack session': () =>
    fc.constantFrom(PING_MESSAGE, '{', '').map((payload) => ({
      name: 'text in a MessagePack session',
      protocol: 'msgpack' as const,
      steps: [text(payload)],
      expect: { close: [CLOSE_CODES.POLICY_VIOLATION], error: 'unsupported_frame' },
    })),
  'bytes that are not MessagePack': (random) =>
    random.map((bytes) => ({
      name: 'bytes that are not MessagePack (then a valid ping)',
      protocol: 'msgpack' as const,
      steps: [{ opcode: OPCODES.binary, payload: Buffer.concat([Buffer.from([0xc1]), bytes]) }, { opcode: OPCODES.binary, payload: MSGPACK_PING }],
      expect: { open: true, replies: ['error:bad_message', 'pong'] },
    })),
  'MessagePack traps': () =>
    fc.constantFrom(...MSGPACK_TRAPS).map((payload) => ({
      name: 'MessagePack trap (then a valid ping)',
      protocol: 'msgpack' as const,
      steps: [{ opcode: OPCODES.binary, payload }, { opcode: OPCODES.binary, payload: MSGPACK_PING }],
      expect: { open: true, replies: ['error:bad_message', 'pong'] },
    })),
  'unmasked client frame': () =>
    fc.constantFrom(PING_MESSAGE, '{').map((payload) => ({ name: 'unmasked client frame', steps: [text(payload, { masked: false })], expect: { close: [PROTOCOL_ERROR] } })),
  'reserved bits set': () => fc.integer({ min: 1, max: 7 }).map((rsv) => ({ name: `RSV bits ${rsv}`, steps: [text(PING_MESSAGE, { rsv })], expect: { close: [PROTOCOL_ERROR] } })),
  'reserved opcode': () =>
    fc.constantFrom(3, 4, 5, 6, 7, 0xb, 0xc, 0xd, 0xe, 0xf).map((opcode) => ({ name: `reserved opcode 0x${opcode.toString(16)}`, steps: [{ opcode, payload: 'x' }], expect: { close: [PROTOCOL_ERROR] } })),
  'continuation without a first fragment': () =>
    fc.constant({ name: 'continuation without a first fragment', steps: [{ opcode: OPCODES.continuation, payload: PING_MESSAGE }], expect: { close: [PROTOCOL_ERROR] } }),
  'new message inside a fragmented one': () =>
    fc.constantFrom(OPCODES.text, OPCODES.binary).map((opcode) => ({
      name: 'new message inside a fragmented one',
      steps: [text('{"type":', { fin: false }), { opcode, payload: '"ping"}' }],
      expect: { close: [PROTOCOL_ERROR] },
    })),
  'ping inside a fragmented message': () =>
    fc.constant({
      name: 'ping inside a fragmented message (valid)',
      steps: [text('{"type":', { fin: false }), { opcode: OPCODES.ping, payload: 'mid' }, { opcode: OPCODES.continuation, payload: '"ping"}' }],
      expect: { open: true, pongs: 1, replies: ['pong'] },
    }),
  'control frame over 125 bytes': () =>
    fc.tuple(fc.constantFrom(OPCODES.ping, OPCODES.pong, OPCODES.close), fc.integer({ min: 126, max: 1_000 })).map(([opcode, size]) => ({
      name: 'control frame over 125 bytes',
      steps: [{ opcode, payload: opcode === OPCODES.close ? closePayload(1000, 'r'.repeat(size)) : 'p'.repeat(size) }],
      expect: { close: [PROTOCOL_ERROR] },
    })),
  'fragmented control frame': () =>
    fc.constantFrom(OPCODES.ping, OPCODES.pong, OPCODES.close).map((opcode) => ({ name: 'fragmented control frame', steps: [{ opcode, payload: 'x', fin: false }], expect: { close: [PROTOCOL_ERROR] } })),
  'close frame with one byte': () => fc.constant({ name: 'close frame with one byte', steps: [{ opcode: OPCODES.close, payload: Buffer.from([3]) }], expect: { close: [PROTOCOL_ERROR] } }),
  'close with a code no peer may send': () =>
    fc.constantFrom(0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535).map((code) => ({
      name: `close with code ${code}`,
      steps: [{ opcode: OPCODES.close, payload: closePayload(code) }],
      expect: { close: [PROTOCOL_ERROR] },
    })),
  'close with a reason that is not UTF-8': () =>
    invalidUtf8.map((bad) => ({ name: 'close with a reason that is not UTF-8', steps: [{ opcode: OPCODES.close, payload: closePayload(1000, bad) }], expect: { close: [INVALID_PAYLOAD] } })),
  'close with a valid code': () =>
    fc.constantFrom(1000, 1001, 3000, 4000, 4999).map((code) => ({ name: `close with code ${code} (echoed)`, steps: [{ opcode: OPCODES.close, payload: closePayload(code, 'bye') }], expect: { close: [code] } })),
  'unsolicited pongs': () =>
    fc.integer({ min: 1, max: 40 }).map((count) => ({
      name: 'unsolicited pongs, then a ping message',
      steps: [burst({ opcode: OPCODES.pong, payload: 'unasked' }, count), text(PING_MESSAGE)],
      expect: { open: true, replies: ['pong'] },
    })),
  'burst of pings': () =>
    fc.integer({ min: 1, max: 50 }).map((count) => ({ name: 'burst of up to 50 pings', steps: [burst({ opcode: OPCODES.ping, payload: 'p' }, count)], expect: { open: true, pongs: count } })),
  'a frame dripped one byte at a time': () =>
    fc.constant({
      name: 'a frame dripped one byte at a time (valid)',
      // The frame is complete (and counted) with its last byte.
      steps: [...encodeClientFrame(text(PING_MESSAGE))].flatMap((byte, i, all): FrameStep[] => [{ bytes: Buffer.from([byte]), frames: i === all.length - 1 ? 1 : 0 }, 3]),
      expect: { open: true, replies: ['pong'] },
    }),
};

/**
 * Bursts well over the 500 messages per second the test server allows, 2.5 s apart: the first earns a
 * `rate_limited` error, a later one within 10 s the 4429 close. The gap leaves room for a loaded server
 * that reads a burst late: each burst still lands in a rate window of its own.
 */
function overTheRate(frame: ClientFrame): FrameStep[] {
  return [burst(frame, 1_200), 2_500, burst(frame, 600), 2_500, burst(frame, 600)];
}

/** Abuse that takes seconds (rate limits) or many frames: run once each. */
export function floodCases(): FrameCase[] {
  return [
    {
      name: 'ping flood of 5 000 frames',
      steps: [burst({ opcode: OPCODES.ping, payload: 'p'.repeat(125) }, 5_000)],
      expect: { terminated: true },
    },
    {
      name: 'junk text flood over the message rate, repeated',
      steps: overTheRate(text('{')),
      expect: { close: [CLOSE_CODES.RATE_LIMITED], error: 'rate_limited' },
    },
    {
      name: 'subscribe flood over the message rate, repeated',
      steps: overTheRate(text('{"type":"subscribe","topics":["catalog","category:fuzzing"]}')),
      expect: { close: [CLOSE_CODES.RATE_LIMITED], error: 'rate_limited' },
    },
    {
      name: 'unsubscribe flood over the message rate, repeated',
      steps: overTheRate(text('{"type":"unsubscribe","topics":["catalog"]}')),
      expect: { close: [CLOSE_CODES.RATE_LIMITED], error: 'rate_limited' },
    },
  ];
}

/** `perFamily` variations of every kind of framing abuse, the same ones for the same seed. */
export function sampleFrameCases(perFamily: number, seed: number): FrameCase[] {
  return Object.values(FAMILIES).flatMap((family, i) => fc.sample(family(junkBytes), { seed: seed + i, numRuns: perFamily }));
}
