import { SUBPROTOCOL_JSON, type LivecartEvent } from '@livecart/schemas';
import WebSocket from 'ws';

/**
 * A well-behaved subscriber: it follows `topics` and records every event it receives, so a test can
 * check that abuse on other connections cost it nothing (no event lost, none out of order, no kick).
 */
export class LiveWatcher {
  readonly events: LivecartEvent[] = [];
  /** Set when the server closed this connection. */
  closeCode: number | undefined;
  private readonly waiters = new Set<() => void>();

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data: WebSocket.RawData) => {
      const message = JSON.parse((data as Buffer).toString('utf8')) as { type: string; event?: LivecartEvent; events?: LivecartEvent[] };
      if (message.type === 'event' && message.event !== undefined) this.events.push(message.event);
      if (message.type === 'batch') this.events.push(...(message.events ?? []));
      this.wake();
    });
    socket.on('close', (code) => {
      this.closeCode = code;
      this.wake();
    });
    socket.on('error', () => {});
  }

  /** Resolves once connected and subscribed to `topics`. */
  static connect(url: string, origin: string, topics: readonly string[], timeoutMs = 10_000): Promise<LiveWatcher> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, SUBPROTOCOL_JSON, { origin });
      const watcher = new LiveWatcher(socket);
      const timer = setTimeout(() => {
        socket.terminate();
        reject(new Error(`not subscribed to ${topics.join(', ')} within ${timeoutMs} ms`));
      }, timeoutMs);
      socket.on('message', (data: WebSocket.RawData) => {
        const message = JSON.parse((data as Buffer).toString('utf8')) as { type: string };
        if (message.type === 'welcome') socket.send(JSON.stringify({ type: 'subscribe', topics }));
        if (message.type === 'subscribed') {
          clearTimeout(timer);
          resolve(watcher);
        }
      });
      socket.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
  }

  get open(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  /** The versions of `productId` received, in arrival order, duplicates kept. */
  versionsOf(productId: string): number[] {
    return this.events.filter((event) => event.data.id === productId).map((event) => event.data.version);
  }

  /** Resolves with true once `condition` holds, false if the time runs out or the connection closes first. */
  until(condition: () => boolean, timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      const check = () => {
        if (!condition() && this.open) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(condition());
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        resolve(condition());
      }, timeoutMs);
      this.waiters.add(check);
      check();
    });
  }

  close(): void {
    this.socket.close();
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}
