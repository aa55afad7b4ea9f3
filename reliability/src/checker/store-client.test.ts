import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { waitUntil } from '@livecart/local-services/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { fetchSnapshot, ProductSet, type ProductState } from './products.js';
import { StoreClient } from './store-client.js';

const ID = '00000000-0000-4000-8000-000000000001';

/** A stand-in for realtime and the API: records what the client sends, answers snapshots from `state`. */
class FakeServer {
  readonly subscribes: { topics: string[]; since?: number }[] = [];
  readonly sockets: WebSocket[] = [];
  state: ProductState & { seq: number } = { version: 3, priceMinor: 300, stock: 30, seq: 10 };
  snapshots = 0;
  /** Off: behaves as a frozen instance, whose sockets stay open and say nothing. */
  answersPings = true;
  private readonly server = http.createServer((request, response) => {
    this.snapshots++;
    const { seq, ...product } = this.state;
    response.writeHead(200, { 'content-type': 'application/json', 'x-event-seq': String(seq) });
    response.end(JSON.stringify({ id: request.url?.split('/').at(-1), ...product }));
  });
  private readonly wss = new WebSocketServer({ server: this.server });

  constructor() {
    this.wss.on('connection', (socket) => {
      this.sockets.push(socket);
      socket.on('message', (data) => {
        const message = JSON.parse(String(data)) as { type: string; topics: string[]; since?: number };
        if (message.type === 'ping' && this.answersPings) socket.send(JSON.stringify({ type: 'pong', ts: Date.now() }));
        if (message.type !== 'subscribe') return;
        this.subscribes.push({ topics: message.topics, since: message.since });
        socket.send(JSON.stringify({ type: 'subscribed', topics: message.topics, seq: message.since ?? 0, replayed: 0 }));
      });
      socket.send(JSON.stringify({ type: 'welcome', instanceId: `fake-${this.sockets.length}`, seq: 0 }));
    });
  }

  async listen(): Promise<string> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    return `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  send(message: unknown): void {
    this.sockets.at(-1)?.send(JSON.stringify(message));
  }

  async close(): Promise<void> {
    for (const socket of this.wss.clients) socket.terminate();
    this.wss.close();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

const event = (seq: number, version: number) => ({
  seq,
  type: 'product.updated',
  topics: [`product:${ID}`, 'catalog'],
  data: { id: ID, version, priceMinor: version * 100, stock: version * 10 },
});

describe('StoreClient', () => {
  let server: FakeServer;
  let client: StoreClient;

  beforeEach(async () => {
    server = new FakeServer();
    const address = await server.listen();
    const products = new ProductSet([ID]);
    client = new StoreClient({
      wsUrl: `ws://${address}/ws`,
      origin: 'http://allowed.test',
      apiUrl: `http://${address}`,
      products,
      tracked: [0],
      topics: [`product:${ID}`],
      backoffBaseMs: 20,
      silenceMs: 500,
    });
    await client.start((id) => fetchSnapshot(`http://${address}`, id));
  });

  afterEach(async () => {
    client.close();
    await server.close();
  });

  it('subscribes from its snapshot seq and applies only newer versions', async () => {
    expect(server.subscribes).toEqual([{ topics: [`product:${ID}`], since: 10 }]);
    server.send({ type: 'batch', events: [event(9, 2), event(11, 4)] });
    server.send({ type: 'event', event: event(12, 5) });
    await waitUntil(() => client.view.get(0)?.version === 5, { what: 'client.view.get(0)?.version === 5', timeoutMs: 2_000, intervalMs: 10 });
    expect(client.ledger.events).toBe(3);
    expect(client.view.get(0)).toEqual({ version: 5, priceMinor: 500, stock: 50 });
    // v2 is older than the snapshot (v3); v4 and v5 are what the client had to learn.
    expect(client.ledger.tally(new Map([[0, { version: 5, priceMinor: 500, stock: 50 }]]))).toMatchObject({ expected: 2, delivered: 2, lost: 0 });
  });

  it('reconnects after a drop and resumes from the last seq it received', async () => {
    server.send({ type: 'event', event: event(11, 4) });
    await waitUntil(() => client.view.get(0)?.version === 4, { what: 'client.view.get(0)?.version === 4', timeoutMs: 2_000, intervalMs: 10 });
    server.sockets.at(-1)?.terminate();
    await waitUntil(() => server.subscribes.length === 2, { what: 'server.subscribes.length === 2', timeoutMs: 2_000, intervalMs: 10 });
    expect(server.subscribes[1]).toEqual({ topics: [`product:${ID}`], since: 11 });
    expect(client.instances).toEqual(['fake-1', 'fake-2']);
  });

  it('on reset, refetches the products of the topics, which covers what it missed', async () => {
    server.state = { version: 8, priceMinor: 800, stock: 80, seq: 40 };
    server.send({ type: 'reset', topics: [`product:${ID}`], seq: 40, reason: 'history_trimmed' });
    await waitUntil(() => client.view.get(0)?.version === 8, { what: 'client.view.get(0)?.version === 8', timeoutMs: 2_000, intervalMs: 10 });
    expect(client.resets).toBe(1);
    expect(server.snapshots).toBe(2);
    // v4 to v8 never came as events, but the refetch after the reset showed v8.
    const final = new Map([[0, { version: 8, priceMinor: 800, stock: 80 }]]);
    expect(client.ledger.tally(final)).toMatchObject({ expected: 5, delivered: 0, coveredByReset: 5, lost: 0 });
    // Later resumes start after the reset's seq.
    server.sockets.at(-1)?.terminate();
    await waitUntil(() => server.subscribes.length === 2, { what: 'server.subscribes.length === 2', timeoutMs: 2_000, intervalMs: 10 });
    expect(server.subscribes[1]?.since).toBe(40);
  });

  it('reports server errors and events for products it does not follow as problems', async () => {
    server.send({ type: 'error', code: 'bad_topic', message: 'no' });
    server.send({ type: 'event', event: { ...event(13, 6), data: { id: '00000000-0000-4000-8000-000000000002', version: 1 } } });
    await waitUntil(() => client.problems.length === 2, { what: 'client.problems.length === 2', timeoutMs: 2_000, intervalMs: 10 });
  });

  it('keeps a quiet connection that answers its pings, and replaces one that goes silent within the window', async () => {
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(client.silentDrops).toBe(0);
    expect(server.subscribes).toHaveLength(1);
    server.answersPings = false;
    const mutedAt = Date.now();
    await waitUntil(() => server.subscribes.length === 2, { what: 'a new subscription after the silence', timeoutMs: 3_000, intervalMs: 10 });
    expect(Date.now() - mutedAt).toBeLessThan(1_500);
    expect(client.silentDrops).toBe(1);
    expect(server.subscribes[1]).toEqual({ topics: [`product:${ID}`], since: 10 });
  });
});
