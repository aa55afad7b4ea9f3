import type { Writable } from 'node:stream';
import type { WebSocket } from 'ws';

/**
 * The stream under a `ws` socket, when writing finished frames to it directly is safe; otherwise
 * undefined, and frames go through `ws.send`.
 *
 * Safe when no extension was negotiated: without permessage-deflate, `ws` writes each of its own frames
 * (control messages, pings, the close frame) to this stream synchronously and whole, so frames written
 * here land between them, never inside one, and `bufferedAmount` (which reads this stream's buffer)
 * still counts them. What that saves per send — `ws` framing the message into a header and a payload,
 * then corking, two writes and a writev of two buffers — is a large part of a fan-out's user time.
 */
export function rawStreamOf(socket: WebSocket): Writable | undefined {
  if (socket.extensions !== '') return undefined;
  // Not part of the typed API; checked rather than trusted.
  const stream = (socket as unknown as { _socket?: unknown })._socket;
  if (typeof stream !== 'object' || stream === null || typeof (stream as Writable).write !== 'function') return undefined;
  return stream as Writable;
}
