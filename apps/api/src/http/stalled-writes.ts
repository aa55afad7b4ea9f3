import type { Server } from 'node:http';
import type { Socket } from 'node:net';

interface Stall {
  /** Bytes handed to the kernel when the stall was first seen. */
  sent: number;
  since: number;
}

/** Bytes of this socket that have left the process (written, minus what still waits in its buffer). */
function sentBytes(socket: Socket): number {
  return socket.bytesWritten - socket.writableLength;
}

/**
 * Closes connections whose answer has stopped moving: bytes wait to be written to a client that no
 * longer reads, and none has left for `timeoutMs`. The other ways a connection can hang are bounded
 * already: idle between requests by keep-alive timeout, a request slow to arrive by the request and
 * headers timeouts, a handler by the database statement timeout.
 *
 * Node's own idle timeout (`server.setTimeout`) would bound this too, but it re-arms a timer on every
 * read and every write of every connection, a cost the hottest read measurably pays (bench/README.md). A sweep
 * every `timeoutMs / 4` looks only at sockets with unwritten bytes, so an answer is closed between
 * `timeoutMs` and `1.25 × timeoutMs` after it last moved. `timeoutMs` 0 disables the guard; it
 * stops with the server.
 */
export function closeStalledWrites(server: Server, timeoutMs: number): void {
  if (timeoutMs <= 0) return;
  const sockets = new Set<Socket>();
  const stalls = new WeakMap<Socket, Stall>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  const sweep = () => {
    const at = Date.now();
    for (const socket of sockets) {
      if (socket.writableLength === 0) {
        stalls.delete(socket);
        continue;
      }
      const sent = sentBytes(socket);
      const stall = stalls.get(socket);
      if (stall === undefined || stall.sent !== sent) stalls.set(socket, { sent, since: at });
      else if (at - stall.since >= timeoutMs) socket.destroy();
    }
  };
  const timer = setInterval(sweep, Math.max(10, Math.floor(timeoutMs / 4)));
  timer.unref();
  server.once('close', () => clearInterval(timer));
}
