import type { WebSocket } from 'ws';
import { startBaseline } from './baseline-server.js';

/**
 * The plain way to route with a topic index and no batching: each event is parsed once for its topics,
 * looked up in topic → sockets, and sent with its own `send()` to every subscriber (once per socket,
 * however many of its topics it follows). Same routing as ours, one write per event per client.
 */
const subscribers = new Map<string, Set<WebSocket>>();

await startBaseline({
  onSubscribe: (socket, topics) => {
    for (const topic of topics) {
      let set = subscribers.get(topic);
      if (set === undefined) subscribers.set(topic, (set = new Set()));
      set.add(socket);
    }
    socket.once('close', () => {
      for (const topic of topics) subscribers.get(topic)?.delete(socket);
    });
  },
  onEvent: (message) => {
    const { topics } = JSON.parse(message) as { topics: string[] };
    const frame = Buffer.from(`{"type":"event","event":${message}}`);
    const reached = topics.length > 1 ? new Set<WebSocket>() : undefined;
    for (const topic of topics) {
      const set = subscribers.get(topic);
      if (set === undefined) continue;
      for (const socket of set) {
        if (reached !== undefined) {
          if (reached.has(socket)) continue;
          reached.add(socket);
        }
        socket.send(frame);
      }
    }
  },
});
