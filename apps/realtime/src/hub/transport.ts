import type { ControlMessage, OutgoingFrame } from '../protocol/frames.js';
import type { Format } from '../protocol/format.js';

/** What the hub needs of a client socket; a fake stands in for it in unit tests. */
export interface Transport {
  readonly format: Format;
  /** Bytes accepted by `send` that the kernel has not taken yet. */
  readonly bufferedAmount: number;
  /**
   * Sends one pre-encoded message (text for JSON, binary for MessagePack): `frame`, or, where the
   * transport can write raw bytes, `wire`, the same message already framed.
   */
  send(frame: Buffer, wire?: Buffer): void;
  sendMessage(message: ControlMessage): void;
  /** Closes with `code`, and cuts the peer off if it does not complete the close handshake soon. */
  kick(code: number, reason: string): void;
}

/** Hands `outgoing` to `transport`, framed bytes included. */
export function sendFrame(transport: Transport, outgoing: OutgoingFrame): void {
  transport.send(outgoing.frame, outgoing.wire);
}
