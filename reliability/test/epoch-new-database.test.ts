import {
  createApiKey,
  createTestBackends,
  requireBuilds,
  startBuiltApp,
  waitUntil,
  type BuiltApp,
  type TestBackends,
} from '@livecart/local-services/testing';
import type { LivecartEvent } from '@livecart/schemas/events';
import type { Product } from '@livecart/schemas/product';
import { ServerMessageSchema, type ResetMessage } from '@livecart/schemas/realtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';

/*
 * A new database under an existing Redis prefix (issue #17's first regression case): the stream keeps
 * database A's events when api and realtime start again on a fresh database B, whose seqs begin at 1
 * again. The relay must start a new epoch instead of taking the reused seqs for re-publishes; every
 * client, resuming with A's `since`, gets `reset`, then B's events, never an event of A's history; the
 * api's L1 serves B's current product; /metrics counts the regression.
 */

const TOPICS = ['catalog'];
const ACKNOWLEDGE = 10_000;

/** A client as the storefront's live store behaves towards the protocol: resumes with (epoch, since). */
class Client {
  readonly received: { epoch: string | undefined; seq: number; id: string; version: number }[] = [];
  readonly resets: ResetMessage[] = [];
  epoch: string | undefined;
  since = 0;
  private socket: WebSocket | undefined;

  connect(url: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/ws`);
      this.socket = socket;
      socket.on('error', reject);
      socket.on('message', (raw) => {
        const message = ServerMessageSchema.parse(JSON.parse(String(raw)));
        if (message.type === 'welcome') {
          const resume = this.since > 0 ? { since: this.since, ...(this.epoch === undefined ? {} : { epoch: this.epoch }) } : {};
          socket.send(JSON.stringify({ type: 'subscribe', topics: TOPICS, ...resume }));
        } else if (message.type === 'subscribed') {
          this.epoch ??= message.epoch;
          this.since = Math.max(this.since, message.seq);
          resolve();
        } else if (message.type === 'reset') {
          this.resets.push(message);
          if (message.epoch !== this.epoch) this.epoch = message.epoch;
          this.since = message.seq;
        } else if (message.type === 'event') this.apply(message.event);
        else if (message.type === 'batch') for (const event of message.events) this.apply(event);
        else if (message.type === 'error') reject(new Error(message.message));
      });
    });
  }

  private apply(event: LivecartEvent): void {
    this.received.push({ epoch: event.epoch, seq: event.seq, id: event.data.id, version: event.data.version });
    this.epoch ??= event.epoch;
    if (event.epoch === this.epoch && event.seq > this.since) this.since = event.seq;
  }

  async close(): Promise<void> {
    const socket = this.socket;
    if (socket === undefined || socket.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      socket.close();
    });
  }
}

interface Api {
  app: BuiltApp;
  key: string;
}

async function send(api: Api, method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${api.app.url}${path}`, {
    method,
    // Writes overwrite whatever version is current: this suite checks events, not lost updates.
    headers: { authorization: `Bearer ${api.key}`, 'if-match': '*', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(ACKNOWLEDGE),
  });
}

async function createProduct(api: Api, sku: string): Promise<Product> {
  const answer = await send(api, 'POST', '/v1/products', { sku, name: sku, description: 'epoch test', category: 'testing', priceMinor: 1_000, stock: 10 });
  expect(answer.status).toBe(201);
  return (await answer.json()) as Product;
}

async function setPrice(api: Api, id: string, priceMinor: number): Promise<Product> {
  const answer = await send(api, 'PATCH', `/v1/products/${id}`, { priceMinor });
  expect(answer.status).toBe(200);
  return (await answer.json()) as Product;
}

describe('event epochs: a new database under an existing Redis prefix', () => {
  let a: TestBackends;
  let b: TestBackends;
  let realtime: BuiltApp;
  const apis: BuiltApp[] = [];
  const clients: Client[] = [];

  beforeAll(async () => {
    requireBuilds(['api', 'realtime']);
    [a, b] = await Promise.all([createTestBackends({ label: 'epoch-a' }), createTestBackends({ label: 'epoch-b' })]);
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await Promise.all([...apis, realtime].map((app) => app?.stop()));
    // B ran under A's prefix: closing A clears it.
    await Promise.all([a?.close(), b?.close()]);
  });

  async function startApi(databaseUrl: string): Promise<Api> {
    const key = await createApiKey(databaseUrl, { name: 'epoch test', scopes: ['catalog:write'] });
    const app = await startBuiltApp('api', {
      name: `api-${apis.length + 1}`,
      env: { DATABASE_URL: databaseUrl, REDIS_URL: a.redisUrl, REDIS_PREFIX: a.redisPrefix, RATE_LIMIT_ENABLED: 'false', OUTBOX_POLL_MS: '50' },
    });
    apis.push(app);
    return { app, key };
  }

  it('resets every client into the new epoch, delivers only the new history, keeps L1 current and counts the regression', async () => {
    realtime = await startBuiltApp('realtime', { env: { REDIS_URL: a.redisUrl, REDIS_PREFIX: a.redisPrefix, WS_ALLOW_NO_ORIGIN: 'true' } });

    // Database A: a history of 8 events, seen by every client.
    const apiA = await startApi(a.databaseUrl);
    for (let i = 0; i < 4; i++) clients.push(new Client());
    await Promise.all(clients.map((client) => client.connect(realtime.url)));
    const first = await createProduct(apiA, "EPOCH-A-1");
    for (let i = 1; i < 8; i++) await setPrice(apiA, first.id, 1_000 + i);
    await waitUntil(() => clients.every((client) => client.since === 8), { what: 'every client at seq 8 of A', timeoutMs: 10_000, intervalMs: 20 });
    const epochA = clients[0]!.epoch;
    expect(epochA).toBeDefined();
    expect(clients.every((client) => client.epoch === epochA)).toBe(true);

    // Everything stops; database B (fresh, migrated) takes over the same prefix, whose stream holds A's seqs 1..8.
    await Promise.all(clients.map((client) => client.close()));
    await apiA.app.stop();
    await realtime.restart();
    // Two instances on B: one writes, the other serves reads from an L1 only events keep current.
    const [apiB, readerB] = await Promise.all([startApi(b.databaseUrl), startApi(b.databaseUrl)]);

    // Half the clients resume before B writes, half after.
    const [early, late] = [clients.slice(0, 2), clients.slice(2)];
    const seenBefore = new Map(clients.map((client) => [client, client.received.length]));
    await Promise.all(early.map((client) => client.connect(realtime.url)));

    const second = await createProduct(apiB, "EPOCH-B-1");
    await waitUntil(async () => ((await send(readerB, 'GET', `/v1/products/${second.id}`)).status === 200 ? true : undefined), {
      what: 'the reader to find the product',
      timeoutMs: 5_000,
      intervalMs: 20,
    });
    // In the reader's L1 now: it would keep serving version 1 if B's events (seqs below A's 8) were dropped as old.
    await send(readerB, 'GET', `/v1/products/${second.id}`);
    let current = second;
    for (let i = 1; i <= 3; i++) current = await setPrice(apiB, second.id, 2_000 + i);
    // The late ones resume after the new epoch began (reset at once), then get what follows.
    await Promise.all(late.map((client) => client.connect(realtime.url)));
    current = await setPrice(apiB, second.id, 3_000);

    await waitUntil(async () => {
      const answer = await send(readerB, 'GET', `/v1/products/${second.id}`);
      return ((await answer.json()) as Product).version === current.version ? true : undefined;
    }, { what: `the reader on B to serve version ${current.version}`, timeoutMs: 5_000, intervalMs: 20 });

    await waitUntil(() => clients.every((client) => client.received.some((event) => event.id === second.id && event.version === current.version)), {
      what: 'every client to get B\'s last event',
      timeoutMs: 10_000,
      intervalMs: 20,
    });
    for (const client of clients) {
      expect(client.resets, 'every client was told to reset, once').toHaveLength(1);
      expect(client.resets.at(-1)?.reason).toBe('epoch_changed');
      const epochB = client.resets.at(-1)?.epoch;
      expect(epochB).toBeDefined();
      expect(epochB).not.toBe(epochA);
      const after = client.received.slice(seenBefore.get(client));
      // Only B's history after the resume, in order, none of A's.
      expect(after.every((event) => event.epoch === epochB && event.id === second.id), JSON.stringify(after)).toBe(true);
      expect(after.map((event) => event.version)).toEqual(after.map((_, i) => current.version - after.length + 1 + i));
    }

    // Whichever instance holds the relay counted it.
    const counted = await Promise.all([apiB, readerB].map(async (api) => (await fetch(`${api.app.url}/metrics`)).text()));
    expect(counted.filter((text) => /outbox_history_regressions_total\{reason="other_epoch"\} 1/.test(text))).toHaveLength(1);
  });
});
