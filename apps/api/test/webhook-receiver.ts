import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/**
 * What the receiver does with one request: answer with a status, never answer, drop the connection, or
 * answer with a status once a promise gives it (a receiver slow to answer that one).
 */
export type Behaviour = number | 'hang' | 'reset' | Promise<number>;

export interface ReceivedMessage {
  id: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** When it arrived (performance.now()). */
  at: number;
}

/**
 * A webhook receiver on this machine, as an integration would run one: every request recorded with its
 * exact bytes, each answered as `behave` says for it (the nth request, from 0).
 */
export interface Receiver {
  url: string;
  /** Every request, in arrival order. */
  requests: ReceivedMessage[];
  /** The requests answered 2xx. */
  accepted: ReceivedMessage[];
  behave: (index: number, message: ReceivedMessage) => Behaviour;
  close(): Promise<void>;
}

export async function startReceiver(behave: Receiver['behave'] = () => 204, path = '/hooks'): Promise<Receiver> {
  const hanging = new Set<ServerResponse>();
  const receiver: Receiver = { url: '', requests: [], accepted: [], behave, close: async () => {} };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const message: ReceivedMessage = { id: String(request.headers['webhook-id']), headers: request.headers, body: Buffer.concat(chunks).toString('utf8'), at: performance.now() };
      const behaviour = receiver.behave(receiver.requests.length, message);
      receiver.requests.push(message);
      if (behaviour === 'hang') {
        hanging.add(response);
        return;
      }
      if (behaviour === 'reset') {
        request.socket.destroy();
        return;
      }
      const answer = (status: number) => {
        if (status >= 200 && status < 300) receiver.accepted.push(message);
        response.writeHead(status).end();
      };
      if (typeof behaviour === 'number') answer(behaviour);
      else void behaviour.then(answer);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  // localhost, not 127.0.0.1: a name the SSRF rules must resolve (to loopback) before they judge it.
  receiver.url = `http://localhost:${port}${path}`;
  receiver.close = async () => {
    for (const response of hanging) response.socket?.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return receiver;
}

/** Verifies a received message with the Standard Webhooks library, as a receiver would; throws if forged. */
export function verifyMessage(secret: string, message: Pick<ReceivedMessage, 'headers' | 'body'>): unknown {
  const headers: Record<string, string> = {};
  for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) headers[name] = String(message.headers[name]);
  return new Webhook(secret).verify(message.body, headers);
}

/** The accepted messages, de-duplicated by webhook-id (the first of each), in arrival order. */
export function deduplicated(receiver: Receiver): ReceivedMessage[] {
  const seen = new Set<string>();
  return receiver.accepted.filter((message) => (seen.has(message.id) ? false : (seen.add(message.id), true)));
}

/** The settings under which an app may deliver to receivers on this machine's loopback, over plain HTTP. */
export const LOOPBACK_WEBHOOKS = { WEBHOOK_ALLOW_HTTP: 'true', WEBHOOK_ALLOWED_NETWORKS: '127.0.0.0/8,::1/128' } as const;

/** Receivers a test file starts, all closed by `closeAll` (in its afterAll). */
export class Receivers {
  private readonly started: Receiver[] = [];

  async start(behave?: Receiver['behave']): Promise<Receiver> {
    const receiver = await startReceiver(behave);
    this.started.push(receiver);
    return receiver;
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.started.map((receiver) => receiver.close()));
  }
}
