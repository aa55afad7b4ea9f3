import { once } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import { CLOSE_CODES } from '@livecart/schemas';
import { WebSocket, type WebSocketServer } from 'ws';

/**
 * Shutdown: every client gets 1001 "going away" (so it reconnects, to another instance, and resumes
 * with `since`); those that have not completed the close handshake within `graceMs` are cut off.
 */
export async function closeGoingAway(server: WebSocketServer, graceMs: number): Promise<void> {
  const sockets = [...server.clients];
  const closed = sockets.map((socket) =>
    socket.readyState === WebSocket.CLOSED ? Promise.resolve() : once(socket, 'close').then(() => undefined),
  );
  for (const socket of sockets) socket.close(CLOSE_CODES.GOING_AWAY, 'going away');
  await Promise.race([Promise.all(closed), delay(graceMs, undefined, { ref: false })]);
  for (const socket of server.clients) socket.terminate();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
