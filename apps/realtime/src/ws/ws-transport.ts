import { WebSocket } from 'ws';
import type { Transport } from '../hub/transport.js';
import { encodeMessage, type ControlMessage, type OutgoingFrame } from '../protocol/frames.js';
import type { Format } from '../protocol/format.js';
import type { Peer } from './heartbeat.js';
import { preFramedWriterOf, type PreFramedWriter } from './ws-internals.js';

const TEXT = { binary: false } as const;
const BINARY = { binary: true } as const;

/** A `ws` socket as the hub and the heartbeat see it. */
export class WsTransport implements Transport, Peer {
  private readonly sendOptions: typeof TEXT | typeof BINARY;
  /** Writes frames as they were built, header included; undefined when they must go through `ws.send`. */
  private readonly writePreFramed: PreFramedWriter | undefined;

  constructor(
    private readonly socket: WebSocket,
    readonly format: Format,
    /** How long a kicked peer gets to complete the close handshake before the socket is destroyed. */
    private readonly kickGraceMs: number,
  ) {
    this.sendOptions = format === 'json' ? TEXT : BINARY;
    this.writePreFramed = preFramedWriterOf(socket);
  }

  get bufferedAmount(): number {
    return this.socket.bufferedAmount;
  }

  send(outgoing: OutgoingFrame): void {
    if (this.socket.readyState !== WebSocket.OPEN) return;
    if (this.writePreFramed !== undefined) this.writePreFramed(outgoing.wire);
    else this.socket.send(outgoing.frame, this.sendOptions);
  }

  sendMessage(message: ControlMessage): void {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(encodeMessage(this.format, message), this.sendOptions);
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
