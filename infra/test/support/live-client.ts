import { setTimeout as delay } from 'node:timers/promises';
import WebSocket from 'ws';

export interface ReceivedEvent {
  seq: number;
  type: string;
  data: { id: string; version: number };
}

interface ServerMessage {
  type: string;
  instanceId?: string;
  replayed?: number;
  event?: ReceivedEvent;
  events?: ReceivedEvent[];
}

/**
 * A WebSocket subscriber that behaves like the storefront's client: it remembers the last `seq` it
 * applied and, when its socket drops, reconnects (through the balancer) and resumes with `since`.
 * Every delivery is recorded as received, so duplicates and gaps stay visible to the test.
 */
export class LiveClient {
  readonly events: ReceivedEvent[] = [];
  /** The instanceId of each `welcome`, one per connection. */
  readonly instances: string[] = [];
  /** How many missed events each `subscribed` said it replayed first. */
  readonly replayed: number[] = [];
  readonly resets: unknown[] = [];
  /** First pause before reconnecting; doubles per failed attempt, capped at a second (or at itself if longer). */
  reconnectDelayMs = 100;
  private lastSeq = 0;
  private socket: WebSocket | undefined;
  private closed = false;

  constructor(
    private readonly url: string,
    private readonly origin: string,
    private readonly topics: string[],
  ) {}

  get instance(): string | undefined {
    return this.instances.at(-1);
  }

  /** Resolves once subscribed (after any replay). */
  connect(): Promise<void> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(this.url, { origin: this.origin });
      this.socket = socket;
      let subscribed = false;
      socket.on('message', (raw) => {
        const message = JSON.parse(String(raw)) as ServerMessage;
        if (message.type === 'welcome') {
          this.instances.push(message.instanceId ?? '?');
          const since = this.lastSeq > 0 ? { since: this.lastSeq } : {};
          socket.send(JSON.stringify({ type: 'subscribe', topics: this.topics, ...since }));
        } else if (message.type === 'subscribed') {
          subscribed = true;
          this.replayed.push(message.replayed ?? 0);
          resolve();
        }
        else if (message.type === 'event' && message.event !== undefined) this.record(message.event);
        else if (message.type === 'batch') for (const event of message.events ?? []) this.record(event);
        else if (message.type === 'reset') this.resets.push(message);
      });
      socket.on('error', reject);
      // Only a socket that was up reconnects; a failed attempt is retried by the loop that made it.
      socket.on('close', () => {
        if (subscribed && !this.closed) void this.reconnect();
        else reject(new Error('closed before subscribing'));
      });
    });
  }

  /** Like the storefront: retry with a short backoff until the balancer finds a live instance. */
  private async reconnect(): Promise<void> {
    for (let attempt = 0; !this.closed; attempt += 1) {
      await delay(Math.min(this.reconnectDelayMs * 2 ** attempt, Math.max(this.reconnectDelayMs, 1_000)));
      try {
        await this.connect();
        return;
      } catch {
        // next attempt
      }
    }
  }

  private record(event: ReceivedEvent): void {
    this.events.push(event);
    this.lastSeq = Math.max(this.lastSeq, event.seq);
  }

  /** Versions of `productId` received, in arrival order (duplicates kept). */
  versionsOf(productId: string): number[] {
    return this.events.filter((event) => event.data.id === productId).map((event) => event.data.version);
  }

  close(): void {
    this.closed = true;
    this.socket?.close();
  }
}
