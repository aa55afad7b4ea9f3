import type { LivecartEvent, OrderEvent } from '@livecart/schemas/events';
import type { Product } from '@livecart/schemas/product';
import type { ClientMessage, ServerMessage } from '@livecart/schemas/realtime';
import type { RealtimeSocket, RealtimeSocketConstructor } from '../realtime/socket.js';

/**
 * `@livecart/client/testing`: what a test of code built on `RealtimeClient` needs to play the realtime
 * server without one — an in-memory WebSocket driven by the test, and schema-valid products and events.
 */

/** In-memory stand-in for a WebSocket, driven by the test as if it were the server. */
export class FakeSocket implements RealtimeSocket {
  onmessage: RealtimeSocket['onmessage'] = null;
  onclose: RealtimeSocket['onclose'] = null;
  onerror: RealtimeSocket['onerror'] = null;
  readonly sent: ClientMessage[] = [];
  closedByClient = false;

  constructor(
    readonly url: string,
    readonly protocols?: string | string[],
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
    this.onmessage?.({ data });
  }

  welcome(options: { seq?: number; epoch?: string } = {}): void {
    this.serverSends({
      type: 'welcome',
      protocolVersion: 1,
      instanceId: 'test',
      seq: options.seq ?? 0,
      ...(options.epoch === undefined ? {} : { epoch: options.epoch }),
      limits: { maxTopicsPerConnection: 500, maxMessagesPerSecond: 50, maxPayloadBytes: 65_536, heartbeatIntervalMs: 30_000 },
    });
  }

  serverCloses(code: number): void {
    this.onclose?.({ code });
  }
}

/** A WebSocket constructor for the client under test, and every socket it opened. */
export function fakeWebSockets(): { WebSocket: RealtimeSocketConstructor; sockets: FakeSocket[]; last: () => FakeSocket } {
  const sockets: FakeSocket[] = [];
  class Socket extends FakeSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols);
      sockets.push(this);
    }
  }
  const last = () => {
    const socket = sockets.at(-1);
    if (!socket) throw new Error('no socket opened');
    return socket;
  };
  return { WebSocket: Socket, sockets, last };
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

/** An `order.paid` event on the private topic of order `orderId`: one unit of `item` bought. */
export function orderPaid(seq: number, orderId: string, item: Product): OrderEvent {
  return {
    seq,
    type: 'order.paid',
    topics: [`order:${orderId}`],
    occurredAt: '2026-01-01T00:00:01.000Z',
    data: {
      id: orderId,
      status: 'paid',
      items: [{ productId: item.id, sku: item.sku, name: item.name, quantity: 1, unitPriceMinor: item.priceMinor, lineTotalMinor: item.priceMinor }],
      currency: item.currency,
      totalMinor: item.priceMinor,
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:01.000Z',
      paymentDueAt: null,
    },
  };
}
