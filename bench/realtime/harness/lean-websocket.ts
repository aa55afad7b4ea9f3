import { createHash, randomBytes } from 'node:crypto';
import { connect as tcpConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';

/**
 * A WebSocket client reduced to what the client fleet needs, straight on a TCP (or TLS) socket: the
 * handshake, unmasked server frames parsed in place from each read (no stream, no per-frame copies or
 * events), masked text frames out, ping → pong and the close handshake. The fleet shares one core with
 * Redis and the publisher while it reads ~100k events/s, so every microsecond per frame it saves is
 * left to the system under test. It is strict: a masked, reserved-bit or malformed server frame, or a
 * bad handshake, ends the connection with an error rather than being guessed at.
 */

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const HEADER_END = Buffer.from('\r\n\r\n');
const OP = { continuation: 0x0, text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa } as const;

export interface LeanWebSocketHandlers {
  /** The handshake completed. */
  onOpen(): void;
  /** One complete data message; `payload` is only valid during the call (it may view a read buffer). */
  onMessage(payload: Buffer, binary: boolean): void;
  /** The connection ended: the peer's close code, 1005 without one, 1006 without a close frame. */
  onClose(code: number): void;
  onError(error: Error): void;
}

export interface LeanWebSocketOptions {
  protocol?: string;
  localAddress?: string;
  /** Largest accepted message, in bytes. */
  maxPayload?: number;
}

/** Frames a client → server message: FIN, the opcode, the mask bit and a fresh masking key. */
export function maskedFrame(opcode: number, payload: Buffer): Buffer {
  const length = payload.length;
  const extended = length < 126 ? 0 : length < 0x10000 ? 2 : 8;
  const frame = Buffer.allocUnsafe(2 + extended + 4 + length);
  frame[0] = 0x80 | opcode;
  if (extended === 0) frame[1] = 0x80 | length;
  else if (extended === 2) {
    frame[1] = 0x80 | 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 0x80 | 127;
    frame.writeBigUInt64BE(BigInt(length), 2);
  }
  const maskAt = 2 + extended;
  randomBytes(4).copy(frame, maskAt);
  for (let i = 0; i < length; i++) frame[maskAt + 4 + i] = payload[i]! ^ frame[maskAt + (i & 3)]!;
  return frame;
}

export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
}

/**
 * Splits a byte stream of server frames into messages. Fed whatever each read returned; frames wholly
 * inside one read are handed over as views of it, and only a frame cut by a read boundary is copied.
 */
export class FrameParser {
  private pending: Buffer | undefined;
  private fragments: Buffer[] = [];
  private fragmentedBinary = false;

  constructor(
    private readonly onFrame: (opcode: number, payload: Buffer) => void,
    private readonly maxPayload: number,
  ) {}

  push(chunk: Buffer): void {
    const buffer = this.pending === undefined ? chunk : Buffer.concat([this.pending, chunk]);
    this.pending = undefined;
    let at = 0;
    while (buffer.length - at >= 2) {
      const first = buffer[at]!;
      const second = buffer[at + 1]!;
      if ((first & 0x70) !== 0) throw new ProtocolError('reserved bits set: no extension was negotiated');
      if ((second & 0x80) !== 0) throw new ProtocolError('the server masked a frame');
      let length = second & 0x7f;
      let header = 2;
      if (length === 126) {
        if (buffer.length - at < 4) break;
        length = buffer.readUInt16BE(at + 2);
        header = 4;
      } else if (length === 127) {
        if (buffer.length - at < 10) break;
        if (buffer.readUInt32BE(at + 2) !== 0) throw new ProtocolError('frame longer than 4 GiB');
        length = buffer.readUInt32BE(at + 6);
        header = 10;
      }
      if (length > this.maxPayload) throw new ProtocolError(`frame of ${length} bytes exceeds ${this.maxPayload}`);
      if (buffer.length - at < header + length) break;
      const payload = buffer.subarray(at + header, at + header + length);
      at += header + length;
      this.frame((first & 0x80) !== 0, first & 0x0f, payload);
    }
    // A frame cut by the read boundary: keep its start (copied, so the read buffer is not retained whole).
    if (at < buffer.length) this.pending = Buffer.from(buffer.subarray(at));
  }

  private frame(fin: boolean, opcode: number, payload: Buffer): void {
    if (opcode >= 0x8) {
      if (!fin || payload.length > 125) throw new ProtocolError('fragmented or oversized control frame');
      return this.onFrame(opcode, payload);
    }
    if (opcode === OP.continuation) {
      if (this.fragments.length === 0) throw new ProtocolError('continuation frame without a message to continue');
      this.fragments.push(payload);
      if (!fin) return;
      const message = Buffer.concat(this.fragments);
      this.fragments = [];
      return this.onFrame(this.fragmentedBinary ? OP.binary : OP.text, message);
    }
    if (opcode !== OP.text && opcode !== OP.binary) throw new ProtocolError(`unknown opcode ${opcode}`);
    if (this.fragments.length > 0) throw new ProtocolError('new message before the fragmented one ended');
    if (fin) return this.onFrame(opcode, payload);
    this.fragments.push(Buffer.from(payload));
    this.fragmentedBinary = opcode === OP.binary;
  }
}

/** Parses the 101 answer to the upgrade; returns why it is not acceptable, or undefined. */
function handshakeProblem(head: string, key: string, protocol: string | undefined): string | undefined {
  const [status, ...lines] = head.split('\r\n');
  if (!/^HTTP\/1\.1 101 /.test(status ?? '')) return `upgrade refused: ${status}`;
  const headers = new Map(lines.map((line) => [line.slice(0, line.indexOf(':')).trim().toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
  const accept = createHash('sha1').update(key + GUID).digest('base64');
  if (headers.get('sec-websocket-accept') !== accept) return 'bad Sec-WebSocket-Accept';
  if (protocol !== undefined && headers.get('sec-websocket-protocol') !== protocol) return `server chose subprotocol ${headers.get('sec-websocket-protocol')}`;
  if (headers.has('sec-websocket-extensions')) return 'server negotiated an extension that was not offered';
  return undefined;
}

export class LeanWebSocket {
  private readonly socket: Socket;
  private readonly parser: FrameParser;
  private open = false;
  private closeCode = 1006;
  private ended = false;
  private head: Buffer | undefined = Buffer.alloc(0);

  constructor(url: string, options: LeanWebSocketOptions, private readonly handlers: LeanWebSocketHandlers) {
    const target = new URL(url);
    const secure = target.protocol === 'wss:';
    if (!secure && target.protocol !== 'ws:') throw new Error(`not a WebSocket URL: ${url}`);
    const port = Number(target.port || (secure ? 443 : 80));
    const key = randomBytes(16).toString('base64');
    this.parser = new FrameParser((opcode, payload) => this.onFrame(opcode, payload), options.maxPayload ?? 64 * 2 ** 20);
    const tcp = tcpConnect({ host: target.hostname, port, localAddress: options.localAddress });
    this.socket = secure ? tlsConnect({ socket: tcp, servername: target.hostname }) : tcp;
    this.socket.setNoDelay(true);
    this.socket.once(secure ? 'secureConnect' : 'connect', () => {
      const lines = [
        `GET ${target.pathname}${target.search} HTTP/1.1`,
        `Host: ${target.host}`,
        'Upgrade: websocket',
        'Connection: Upgrade',
        `Sec-WebSocket-Key: ${key}`,
        'Sec-WebSocket-Version: 13',
        ...(options.protocol === undefined ? [] : [`Sec-WebSocket-Protocol: ${options.protocol}`]),
      ];
      this.socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    });
    this.socket.on('data', (chunk: Buffer) => {
      try {
        if (this.head === undefined) return this.parser.push(chunk);
        this.readHandshake(chunk, key, options.protocol);
      } catch (error) {
        this.fail(error as Error);
      }
    });
    this.socket.on('error', (error) => this.fail(error));
    this.socket.on('close', () => {
      if (this.ended) return;
      this.ended = true;
      this.handlers.onClose(this.closeCode);
    });
  }

  /** Sends one text message. */
  send(text: string): void {
    if (this.open) this.socket.write(maskedFrame(OP.text, Buffer.from(text)));
  }

  /** Drops the connection without a close handshake. */
  terminate(): void {
    this.open = false;
    this.socket.destroy();
  }

  private readHandshake(chunk: Buffer, key: string, protocol: string | undefined): void {
    const head = Buffer.concat([this.head!, chunk]);
    const end = head.indexOf(HEADER_END);
    if (end === -1) {
      if (head.length > 16_384) throw new ProtocolError('upgrade response headers too long');
      this.head = head;
      return;
    }
    this.head = undefined;
    const problem = handshakeProblem(head.toString('latin1', 0, end), key, protocol);
    if (problem !== undefined) throw new ProtocolError(problem);
    this.open = true;
    this.handlers.onOpen();
    if (end + HEADER_END.length < head.length) this.parser.push(head.subarray(end + HEADER_END.length));
  }

  private onFrame(opcode: number, payload: Buffer): void {
    switch (opcode) {
      case OP.text:
      case OP.binary:
        return this.handlers.onMessage(payload, opcode === OP.binary);
      case OP.ping:
        if (this.open) this.socket.write(maskedFrame(OP.pong, payload));
        return;
      case OP.pong:
        return;
      case OP.close:
        this.closeCode = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
        if (this.open) {
          this.open = false;
          // Echo the code, as the close handshake asks, then let the server close the TCP connection.
          this.socket.end(maskedFrame(OP.close, payload.subarray(0, 2)));
        }
        return;
    }
  }

  private fail(error: Error): void {
    if (this.ended) return;
    this.open = false;
    this.handlers.onError(error);
    this.socket.destroy();
  }
}
