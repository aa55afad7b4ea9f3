import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { replaceFinalClose } from './node-internals.js';

/** How long a closing connection keeps reading (and dropping) a body that is still arriving. */
export const LINGER_MS = 5_000;

/**
 * Closing a socket with unread bytes in its receive buffer makes the kernel send a reset instead of a
 * FIN, and may drop the answer still waiting in the send buffer; a client still writing its request
 * then sees EPIPE or ECONNRESET instead of the answer. Since libuv 1.52 (Node 26) a Node client reads
 * on after a short read and reports that reset even when the answer did arrive first; older libuv took
 * the hang-up as the end of the stream and hid it.
 *
 * This is the "lingering close" web servers do (nginx's `lingering_close`): the answer and a FIN go out;
 * whatever still arrives is read and dropped; the socket is closed when the client closes its side, or
 * after `lingerMs` at the latest.
 */
export function closeLingering(socket: Socket, lingerMs: number = LINGER_MS): void {
  socket.end();
  const timer = setTimeout(() => socket.destroy(), lingerMs);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
}

/**
 * An answer with `Connection: close` sent before the request body has arrived (a 413 for a declared
 * length over the limit, a 415, a body that failed to parse) makes Node close the socket as soon as the
 * answer is flushed. For that one socket, Node's final close closes lingering instead (see
 * node-internals.ts), while Node's parser reads and drops the rest of the unread request. Requests that
 * arrived whole are untouched.
 */
export function lingerBeforeClose(request: IncomingMessage, lingerMs: number = LINGER_MS): void {
  if (request.complete) return;
  const socket = request.socket;
  replaceFinalClose(socket, () => closeLingering(socket, lingerMs));
}
