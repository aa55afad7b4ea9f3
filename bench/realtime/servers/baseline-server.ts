import { createServer } from 'node:http';
import { eventKeys } from '@livecart/schemas/transport';
import { Redis } from 'ioredis';
import { WebSocketServer, type WebSocket } from 'ws';

/**
 * The shell both baselines share: an HTTP server with /ready, a `ws` server with default options
 * (permessage-deflate off, like ours), and one Redis subscription to the events channel.
 */
export async function startBaseline(options: {
  onEvent: (message: string, sockets: Set<WebSocket>) => void;
  onSubscribe: (socket: WebSocket, topics: string[]) => void;
}): Promise<void> {
  const port = Number(process.env.PORT);
  const { channel } = eventKeys({ prefix: process.env.REDIS_PREFIX ?? 'livecart' });
  let ready = false;
  const http = createServer((request, response) => {
    response.writeHead(request.url === '/ready' && ready ? 200 : 503).end();
  });
  const wss = new WebSocketServer({ server: http, perMessageDeflate: false });
  wss.on('connection', (socket) => {
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as { type: string; topics?: string[] };
      if (message.type !== 'subscribe') return;
      options.onSubscribe(socket, message.topics ?? []);
      socket.send('{"type":"subscribed"}');
    });
    socket.on('error', () => {});
  });
  const subscriber = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  subscriber.on('message', (_channel: string, message: string) => options.onEvent(message, wss.clients));
  await subscriber.subscribe(channel);
  ready = true;
  http.listen(port, '127.0.0.1');
  process.on('SIGTERM', () => process.exit(0));
}
