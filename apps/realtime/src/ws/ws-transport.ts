import type { Writable } from 'node:stream';
import { WebSocket } from 'ws';
import type { Transport } from '../hub/transport.js';
import { encodeMessage, type ControlMessage } from '../protocol/frames.js';
import type { Format } from '../protocol/format.js';
import type { Peer } from './heartbeat.js';
import { rawStreamOf } from './raw-stream.js';

const TEXT = { binary: false } as const;
const BINARY = { binary: true } as const;

/** A `ws` socket as the hub and the heartbeat see it. */
export class WsTransport implements Transport, Peer {
  private readonly sendOptions: typeof TEXT | typeof BINARY;
  /** Where pre-framed bytes can be written as they are; undefined when they must go through `ws`. */
  private readonly raw: Writable | undefined;

  constructor(
    private readonly socket: WebSocket,
    readonly format: Format,
    /** How long a kicked peer gets to complete the close handshake before the socket is destroyed. */
    private readonly kickGraceMs: number,
  ) {
    this.sendOptions = format === 'json' ? TEXT : BINARY;
    this.raw = rawStreamOf(socket);
  }

  get bufferedAmount(): number {
    // The same count `ws` gives (its sender holds nothing back without compression), read directly.
    return this.raw !== undefined ? this.raw.writableLength : this.socket.bufferedAmount;
  }

  send(frame: Buffer, wire?: Buffer): void {
    if (this.socket.readyState !== WebSocket.OPEN) return;
    if (wire !== undefined && this.raw !== undefined) this.raw.write(wire);
    else this.socket.send(frame, this.sendOptions);
  }

  sendMessage(message: ControlMessage): void {
    this.send(encodeMessage(this.format, message));
  }

  ping(): void {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.ping();
  }

  kick(code: number, reason: string): void {
    const socket = this.socket;
    if (socket.readyState === WebSocket.CLOSED) return;
    // A peer that stopped reading never answers the close frame queued behind its backlog.
    const timer = setTimeout(() => socket.terminate(), this.kickGraceMs);
    timer.unref();
    socket.once('close', () => clearTimeout(timer));
    if (socket.readyState === WebSocket.OPEN) socket.close(code, reason);
  }
}
