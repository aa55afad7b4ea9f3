import { createHash, randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { closePayload, encodeClientFrame, OPCODES, ServerFrameReader, type ClientFrame, type ServerFrame } from './frame-codec.js';

const WEBSOCKET_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

export interface RawWsOptions {
  host: string;
  port: number;
  origin: string;
  /** Offered in Sec-WebSocket-Protocol; none by default. */
  protocol?: string;
  /** For the answer to the upgrade, counted from the last byte of the request. */
  timeoutMs: number;
  /**
   * Slowloris: send the first half of the upgrade request, then the rest only once `gate` resolves; if
   * it rejects, hang up instead (and `open` rejects with its reason).
   */
  gate?: Promise<void>;
  /** Write the request one byte at a time, this many milliseconds apart. */
  dripMs?: number;
}

/** The server answered the upgrade with something other than 101. */
export class HandshakeRefused extends Error {
  constructor(readonly status: number) {
    super(`the upgrade was answered with HTTP ${status}`);
  }
}

/**
 * A WebSocket client on a plain TCP socket: it completes the handshake itself and then writes whatever
 * frames it is given (unmasked, fragmented wrongly, lying about their length), recording every frame the
 * server sends. When the server closes, it answers with a close frame as a well-behaved peer would.
 */
export class RawWsConnection {
  readonly frames: ServerFrame[] = [];
  /** The code in the server's close frame, once one arrived (1005 for a close frame without a code). */
  closeCode: number | undefined;
  /** Set when the server broke the framing rules itself (a masked frame). */
  protocolError: string | undefined;
  /** Resolves when the TCP connection is gone. */
  readonly ended: Promise<void>;
  private readonly reader = new ServerFrameReader();
  private readonly waiters = new Set<() => void>();
  private done = false;

  private constructor(
    private readonly socket: Socket,
    leftover: Buffer,
  ) {
    this.ended = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', () => {});
    socket.on('close', () => {
      this.done = true;
      this.wake();
    });
    if (leftover.length > 0) this.receive(leftover);
  }

  static open(options: RawWsOptions): Promise<RawWsConnection> {
    const key = randomBytes(16).toString('base64');
    const expectedAccept = createHash('sha1').update(`${key}${WEBSOCKET_GUID}`).digest('base64');
    const lines = [
      'GET /ws HTTP/1.1',
      `Host: ${options.host}:${options.port}`,
      'Upgrade: websocket',
      'Connection: Upgrade',
      `Sec-WebSocket-Key: ${key}`,
      'Sec-WebSocket-Version: 13',
      `Origin: ${options.origin}`,
      ...(options.protocol === undefined ? [] : [`Sec-WebSocket-Protocol: ${options.protocol}`]),
    ];
    const request = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`);
    return new Promise((resolve, reject) => {
      let received = Buffer.alloc(0);
      let timer: NodeJS.Timeout | undefined;
      let failed = false;
      const fail = (error: Error) => {
        failed = true;
        clearTimeout(timer);
        socket.destroy();
        reject(error);
      };
      const send = async () => {
        const half = Math.floor(request.length / 2);
        if (options.gate !== undefined) {
          socket.write(request.subarray(0, half));
          await options.gate;
          if (!failed) socket.write(request.subarray(half));
        } else if (options.dripMs !== undefined) {
          for (let i = 0; i < request.length && !failed; i++) {
            socket.write(request.subarray(i, i + 1));
            await delay(options.dripMs);
          }
        } else {
          socket.write(request);
        }
        if (!failed) timer = setTimeout(() => fail(new Error(`no answer to the upgrade within ${options.timeoutMs} ms`)), options.timeoutMs);
      };
      const socket = connect({ host: options.host, port: options.port }, () => void send().catch((error: unknown) => fail(error as Error)));
      socket.once('close', () => {
        if (!failed && received.indexOf('\r\n\r\n') === -1) fail(new Error('the server closed the connection before answering the upgrade'));
      });
      const onData = (chunk: Buffer) => {
        received = Buffer.concat([received, chunk]);
        const end = received.indexOf('\r\n\r\n');
        if (end === -1) return;
        socket.off('data', onData);
        clearTimeout(timer);
        const head = received.subarray(0, end).toString('latin1');
        const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0);
        if (status !== 101) return fail(new HandshakeRefused(status));
        const accept = /^sec-websocket-accept:\s*(\S+)/im.exec(head)?.[1];
        if (accept !== expectedAccept) return fail(new Error(`wrong Sec-WebSocket-Accept ${accept ?? '(none)'}`));
        resolve(new RawWsConnection(socket, received.subarray(end + 4)));
      };
      socket.on('data', onData);
      socket.once('error', fail);
    });
  }

  get closed(): boolean {
    return this.done;
  }

  /** The text frames the server sent, parsed as JSON. */
  messages(): { type?: string; code?: string }[] {
    return this.frames.filter((frame) => frame.opcode === OPCODES.text).map((frame) => JSON.parse(frame.payload.toString('utf8')) as { type?: string; code?: string });
  }

  send(frame: ClientFrame): void {
    this.write(encodeClientFrame(frame));
  }

  write(bytes: Buffer): void {
    if (!this.done && this.socket.writable) this.socket.write(bytes);
  }

  /** Resolves once `condition` holds, or with false when the connection ends or the time runs out first. */
  until(condition: () => boolean, timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      const check = () => {
        if (condition()) return finish(true);
        if (this.done) return finish(false);
      };
      const finish = (result: boolean) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(result);
      };
      const timer = setTimeout(() => finish(condition()), timeoutMs);
      this.waiters.add(check);
      check();
    });
  }

  destroy(): void {
    this.socket.destroy();
  }

  private receive(chunk: Buffer): void {
    let frames: ServerFrame[];
    try {
      frames = this.reader.push(chunk);
    } catch (error) {
      this.protocolError = (error as Error).message;
      this.destroy();
      return;
    }
    for (const frame of frames) {
      this.frames.push(frame);
      if (frame.opcode === OPCODES.close && this.closeCode === undefined) {
        this.closeCode = frame.payload.length >= 2 ? frame.payload.readUInt16BE(0) : 1005;
        // Complete the closing handshake, then leave: the server may now drop the connection.
        this.write(encodeClientFrame({ opcode: OPCODES.close, payload: frame.payload.length >= 2 ? closePayload(this.closeCode) : Buffer.alloc(0) }));
        this.socket.end();
      }
    }
    this.wake();
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}
