import { startBaseline } from './baseline-server.js';

/**
 * Ceiling without batching: every event, as received, goes to every socket with a plain `send()` loop.
 * No topics, no per-client work: what one process can write, one message per write.
 */
await startBaseline({
  onSubscribe: () => {},
  onEvent: (message, sockets) => {
    for (const socket of sockets) socket.send(message);
  },
});
