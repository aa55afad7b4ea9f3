import { randomBytes } from 'node:crypto';

/** RFC 6455 opcodes. 0x3-0x7 and 0xB-0xF are reserved: a peer must fail the connection on them. */
export const OPCODES = { continuation: 0x0, text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa } as const;

export interface ClientFrame {
  opcode: number;
  payload?: Buffer | string;
  /** FIN bit; false starts (or continues) a fragmented message. Default true. */
  fin?: boolean;
  /** RSV1-3 as a 3-bit number; any bit set without a negotiated extension is a protocol error. */
  rsv?: number;
  /** Clients must mask every frame; false sends it in the clear. Default true. */
  masked?: boolean;
  /** Announce this payload length instead of the real one (the frame then lies about its size). */
  declaredLength?: number;
}

/** One frame as a client sends it: masked with a random key unless told otherwise. */
export function encodeClientFrame(frame: ClientFrame): Buffer {
  const payload = typeof frame.payload === 'string' ? Buffer.from(frame.payload) : (frame.payload ?? Buffer.alloc(0));
  const length = frame.declaredLength ?? payload.length;
  const masked = frame.masked ?? true;
  const first = ((frame.fin ?? true) ? 0x80 : 0) | (((frame.rsv ?? 0) & 0x7) << 4) | (frame.opcode & 0x0f);
  let header: Buffer;
  if (length < 126) {
    header = Buffer.from([first, (masked ? 0x80 : 0) | length]);
  } else if (length < 0x10000) {
    header = Buffer.alloc(4);
    header.writeUInt8(first, 0);
    header.writeUInt8((masked ? 0x80 : 0) | 126, 1);
    header.writeUInt16BE(length, 2);
  } else {
    header = Buffer.alloc(10);
    header.writeUInt8(first, 0);
    header.writeUInt8((masked ? 0x80 : 0) | 127, 1);
    header.writeBigUInt64BE(BigInt(length), 2);
  }
  if (!masked) return Buffer.concat([header, payload]);
  const key = randomBytes(4);
  const body = Buffer.alloc(payload.length);
  for (let i = 0; i < payload.length; i++) body[i] = payload[i]! ^ key[i & 3]!;
  return Buffer.concat([header, key, body]);
}

/** A close frame's payload: the code in two bytes, then the reason. */
export function closePayload(code: number, reason: Buffer | string = ''): Buffer {
  const head = Buffer.alloc(2);
  head.writeUInt16BE(code, 0);
  return Buffer.concat([head, typeof reason === 'string' ? Buffer.from(reason) : reason]);
}

export interface ServerFrame {
  fin: boolean;
  opcode: number;
  payload: Buffer;
}

/** Splits the (unmasked) frames a server sends out of a byte stream, across chunk boundaries. */
export class ServerFrameReader {
  private pending: Buffer = Buffer.alloc(0);

  /** The frames completed by `chunk`. Throws if the server masked a frame, which it must never do. */
  push(chunk: Buffer): ServerFrame[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const frames: ServerFrame[] = [];
    for (;;) {
      if (this.pending.length < 2) return frames;
      const first = this.pending[0]!;
      const second = this.pending[1]!;
      if ((second & 0x80) !== 0) throw new Error('the server sent a masked frame');
      let length = second & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (this.pending.length < 4) return frames;
        length = this.pending.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (this.pending.length < 10) return frames;
        length = Number(this.pending.readBigUInt64BE(2));
        offset = 10;
      }
      if (this.pending.length < offset + length) return frames;
      frames.push({ fin: (first & 0x80) !== 0, opcode: first & 0x0f, payload: this.pending.subarray(offset, offset + length) });
      this.pending = this.pending.subarray(offset + length);
    }
  }
}
