import type { WebSocket } from 'ws';
import { startBaseline } from './baseline-server.js';

/**
 * How a broadcaster is often first written: parse each event, scan every socket, check its topics, and
 * JSON.stringify a message per recipient.
 */
const topicsOf = new WeakMap<WebSocket, Set<string>>();

await startBaseline({
  onSubscribe: (socket, topics) => {
    const set = topicsOf.get(socket) ?? new Set<string>();
    for (const topic of topics) set.add(topic);
    topicsOf.set(socket, set);
  },
  onEvent: (message, sockets) => {
    const event = JSON.parse(message) as { topics: string[] };
    for (const socket of sockets) {
      const topics = topicsOf.get(socket);
      if (topics !== undefined && event.topics.some((topic) => topics.has(topic))) {
        socket.send(JSON.stringify({ type: 'event', event }));
      }
    }
  },
});
