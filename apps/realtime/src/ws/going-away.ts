import { once } from 'node:events';
import type { Server } from 'node:http';
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

const REFUSAL = 'HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n';

/**
 * From now on answers every upgrade with 503 and hangs up, before any routing: Fastify's own "closing"
 * 503 on an upgrade request would leave the socket open, and an open socket holds `close()` up.
 */
export function refuseUpgrades(server: Server, onRefused: () => void): void {
  server.removeAllListeners('upgrade');
  server.on('upgrade', (_request, socket) => {
    onRefused();
    socket.end(REFUSAL);
  });
}
