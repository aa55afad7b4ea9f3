import { decode, encode } from '@msgpack/msgpack';
import { DELIVERY_PARAM, SUBPROTOCOL_JSON, SUBPROTOCOL_MSGPACK, type LivecartEvent, type ServerMessage } from '@livecart/schemas';
import WebSocket, { type ClientOptions, type RawData } from 'ws';

export interface ConnectOptions {
  msgpack?: boolean;
  /** Sent as the Origin header; none by default, like a non-browser client. */
  origin?: string;
  /** False: never answer server pings, like a peer that has gone away. */
  autoPong?: boolean;
  /** Offer these subprotocols instead of the default. */
  protocols?: string[];
  /** Sent as the `delivery` query parameter (any string, to test refusals). */
  delivery?: string;
}

export interface Closed {
  code: number;
  reason: string;
}

/** A `ws` client that records every server message, for asserting on what a connection saw. */
export class TestClient {
  readonly messages: ServerMessage[] = [];
  /** Every event received, flattened out of `event` and `batch` frames, in arrival order. */
  readonly events: LivecartEvent[] = [];
  readonly closed: Promise<Closed>;
  private readonly waiters = new Set<() => void>();

  private constructor(
    readonly ws: WebSocket,
    readonly msgpack: boolean,
  ) {
    ws.on('message', (data: RawData, isBinary: boolean) => {
      const buffer = data as Buffer;
      const message = (isBinary ? decode(buffer) : JSON.parse(buffer.toString('utf8'))) as ServerMessage;
      this.messages.push(message);
      if (message.type === 'event') this.events.push(message.event);
      if (message.type === 'batch') this.events.push(...message.events);
      for (const wake of this.waiters) wake();
    });
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        resolve({ code, reason: reason.toString() });
        for (const wake of this.waiters) wake();
      });
    });
    ws.on('error', () => {});
  }

  static connect(url: string, options: ConnectOptions = {}): Promise<TestClient> {
    const protocols = options.protocols ?? [options.msgpack ? SUBPROTOCOL_MSGPACK : SUBPROTOCOL_JSON];
    const clientOptions: ClientOptions = { autoPong: options.autoPong ?? true };
    if (options.origin !== undefined) clientOptions.origin = options.origin;
    const ws = new WebSocket(options.delivery === undefined ? url : `${url}?${DELIVERY_PARAM}=${encodeURIComponent(options.delivery)}`, protocols, clientOptions);
    const client = new TestClient(ws, options.msgpack ?? false);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(client));
      ws.once('unexpected-response', (request, response) => {
        // With a listener here, ending the refused handshake is up to us, as a browser would.
        request.destroy();
        reject(new UpgradeRefused(response.statusCode ?? 0));
      });
      ws.once('error', reject);
    });
  }

  send(message: unknown): void {
    this.ws.send(this.msgpack ? encode(message) : JSON.stringify(message));
  }

  sendRaw(data: string | Buffer, binary: boolean): void {
    this.ws.send(data, { binary });
  }

  /** Resolves with the first message (from `from` on) satisfying `predicate`. */
  async waitFor<T extends ServerMessage = ServerMessage>(
    predicate: (message: ServerMessage) => boolean,
    options: { timeoutMs?: number; from?: number } = {},
  ): Promise<T> {
    const found = await this.until(() => this.messages.slice(options.from ?? 0).find(predicate), options.timeoutMs);
    return found as T;
  }

  waitForType<Type extends ServerMessage['type']>(type: Type, timeoutMs?: number): Promise<Extract<ServerMessage, { type: Type }>> {
    return this.waitFor((message) => message.type === type, { timeoutMs });
  }

  /** Resolves once `count` events in total have arrived. */
  async waitForEvents(count: number, timeoutMs?: number): Promise<LivecartEvent[]> {
    await this.until(() => (this.events.length >= count ? true : undefined), timeoutMs);
    return this.events;
  }

  /** Sends `subscribe` and waits for its `subscribed`. */
  async subscribe(topics: string[], since?: number): Promise<Extract<ServerMessage, { type: 'subscribed' }>> {
    const id = Math.random().toString(36).slice(2);
    this.send({ type: 'subscribe', topics, id, ...(since === undefined ? {} : { since }) });
    return this.waitFor((message) => message.type === 'subscribed' && message.id === id);
  }

  close(): void {
    this.ws.close();
  }

  private until<T>(check: () => T | undefined, timeoutMs = 5000): Promise<T> {
    return new Promise((resolve, reject) => {
      const attempt = () => {
        const value = check();
        if (value === undefined) return false;
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve(value);
        return true;
      };
      const wake = () => void attempt();
      const timer = setTimeout(() => {
        this.waiters.delete(wake);
        reject(new Error(`timed out after ${timeoutMs} ms; last messages: ${JSON.stringify(this.messages.slice(-3)).slice(0, 500)}`));
      }, timeoutMs);
      if (!attempt()) this.waiters.add(wake);
    });
  }
}

export class UpgradeRefused extends Error {
  constructor(readonly statusCode: number) {
    super(`upgrade refused with HTTP ${statusCode}`);
  }
}
