import type { ControlMessage, OutgoingFrame } from '../protocol/frames.js';
import type { Format } from '../protocol/format.js';

/** What the hub needs of a client socket; a fake stands in for it in unit tests. */
export interface Transport {
  readonly format: Format;
  /** Bytes accepted by `send` that the kernel has not taken yet. */
  readonly bufferedAmount: number;
  /** Sends one pre-encoded message (text for JSON, binary for MessagePack), framed bytes included. */
  send(outgoing: OutgoingFrame): void;
  sendMessage(message: ControlMessage): void;
  /** Closes with `code`, and cuts the peer off if it does not complete the close handshake soon. */
  kick(code: number, reason: string): void;
}
