import type { IncomingMessage } from 'node:http';

/** How long a closing connection keeps reading (and dropping) a body that is still arriving. */
export const LINGER_MS = 5_000;

/**
 * An answer with `Connection: close` sent before the request body has arrived (a 413 for a declared
 * length over the limit, a 415, a body that failed to parse) makes Node close the socket as soon as the
 * answer is flushed. Closing a socket with unread bytes in its receive buffer makes the kernel send a
 * reset, and a client still writing its body then sees EPIPE or ECONNRESET instead of the answer.
 *
 * This is the "lingering close" web servers do (nginx's `lingering_close`): for that one socket, Node's
 * final `destroySoon()` only half-closes it. The answer and a FIN go out; whatever body still arrives is
 * read and dropped by Node's parser (which discards the unread request); the socket is closed when the
 * client closes its side, or after `lingerMs` at the latest. Requests that arrived whole are untouched.
 */
export function lingerBeforeClose(request: IncomingMessage, lingerMs: number = LINGER_MS): void {
  if (request.complete) return;
  const socket = request.socket;
  socket.destroySoon = function halfCloseThenLinger() {
    socket.end();
    const timer = setTimeout(() => socket.destroy(), lingerMs);
    timer.unref();
    socket.once('close', () => clearTimeout(timer));
  };
}
