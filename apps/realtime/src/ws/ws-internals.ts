import * as ws from 'ws';
import type { WebSocket } from 'ws';
import type { PreFramed } from '../protocol/frames.js';

/*
 * Every use of a `ws` internal in this app lives here, each behind a check made before it is relied on.
 * ws-internals.test.ts fails on the version pinned in pnpm-workspace.yaml if an assumption stops holding.
 *
 * The one internal: a socket's sender (`socket._sender`) and its `sendFrame(list)`, the method `ws`
 * itself writes every finished frame with (data, ping, pong, close). A broadcast frame is encoded once,
 * header included, and handed to it as it is, the way engine.io hands `Sender.frame` output to it: the
 * public `socket.send(frame)` would frame the same bytes again for every receiver — a header allocated
 * per send, then a cork, two writes and a writev of two buffers where one write of one buffer does.
 */

interface FrameSender {
  sendFrame(list: PreFramed): void;
}

function hasSendFrame(value: unknown): value is FrameSender {
  return typeof value === 'object' && value !== null && typeof (value as Partial<FrameSender>).sendFrame === 'function';
}

/**
 * Whether `Sender#sendFrame` still writes the list it is given to the socket, whole and at once: checked
 * once, against a sender over a recording stream, before any real socket is trusted with it.
 */
function probeSendFrame(): boolean {
  // Exported by `ws` (the ESM entry names it), though its typings do not declare it.
  const Sender = (ws as unknown as { Sender?: new (socket: unknown) => unknown }).Sender;
  if (typeof Sender !== 'function') return false;
  const written: unknown[] = [];
  const sink = {
    write: (chunk: unknown) => written.push(chunk) > 0,
    cork: () => undefined,
    uncork: () => undefined,
  };
  try {
    const sender = new Sender(sink);
    if (!hasSendFrame(sender)) return false;
    const probe = Buffer.from([0x81, 0x00]);
    sender.sendFrame([probe]);
    return written.length === 1 && written[0] === probe;
  } catch {
    return false;
  }
}

/** True when pre-framed writes can be used at all with the installed `ws`; false: everything goes through `send`. */
export const preFramedWritesSupported = probeSendFrame();

/** Writes pre-framed bytes to one socket, in order with the frames `ws` writes itself. */
export type PreFramedWriter = (wire: PreFramed) => void;

/**
 * A writer of pre-framed bytes for `socket`, or undefined when they must go through `socket.send`.
 *
 * Only without extensions: with permessage-deflate a frame must be compressed, and the sender queues
 * `ws`'s own messages while it compresses one, so a direct write could overtake them. Without, the
 * sender writes every frame synchronously as it is asked to (this app never sends a Blob, the other
 * case where it queues), so frames written here land between `ws`'s own, never inside one, and
 * `bufferedAmount` counts them like any other.
 */
export function preFramedWriterOf(socket: WebSocket): PreFramedWriter | undefined {
  if (!preFramedWritesSupported || socket.extensions !== '') return undefined;
  const sender = (socket as unknown as { _sender?: unknown })._sender;
  if (!hasSendFrame(sender)) return undefined;
  return (wire) => sender.sendFrame(wire);
}
