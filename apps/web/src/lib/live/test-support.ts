import type { LivecartEvent } from '@livecart/schemas/events';
import type { Product } from '@livecart/schemas/product';
import type { ClientMessage, ServerMessage } from '@livecart/schemas/realtime';
import type { SocketLike } from './live-store';

/** In-memory stand-in for a browser WebSocket, driven by the test as if it were the server. */
export class FakeSocket implements SocketLike {
  onmessage: SocketLike['onmessage'] = null;
  onclose: SocketLike['onclose'] = null;
  onerror: SocketLike['onerror'] = null;
  readonly sent: ClientMessage[] = [];
  closedByClient = false;

  constructor(
    readonly url: string,
    readonly protocol: string,
  ) {}

  send(data: string): void {
    this.sent.push(JSON.parse(data) as ClientMessage);
  }

  close(): void {
    this.closedByClient = true;
  }

  serverSends(message: ServerMessage): void {
    this.receiveRaw(JSON.stringify(message));
  }

  receiveRaw(data: string): void {
    this.onmessage?.call(this as unknown as WebSocket, new MessageEvent('message', { data }));
  }

  welcome(heartbeatIntervalMs = 30_000): void {
    this.serverSends({
      type: 'welcome',
      protocolVersion: 1,
      instanceId: 'test',
      seq: 0,
      limits: { maxTopicsPerConnection: 500, maxMessagesPerSecond: 50, maxPayloadBytes: 65_536, heartbeatIntervalMs },
    });
  }

  serverCloses(code: number): void {
    this.onclose?.call(this as unknown as WebSocket, new CloseEvent('close', { code }));
  }
}

export function product(overrides: Partial<Product> = {}): Product {
  return {
    id: '00000000-0000-4000-8000-000000000001',
    sku: 'SKU-1',
    name: 'Desk lamp',
    description: 'A lamp',
    category: 'home',
    priceMinor: 1_999,
    currency: 'EUR',
    stock: 10,
    imageUrl: null,
    version: 1,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}

export function updated(seq: number, data: Product): LivecartEvent {
  return {
    seq,
    type: 'product.updated',
    topics: [`product:${data.id}`, `category:${data.category}`, 'catalog'],
    occurredAt: '2026-01-01T00:00:00.000Z',
    data,
  };
}
