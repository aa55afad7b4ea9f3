import { randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { ensureServices, findFreePort, type Services } from '@livecart/local-services';
import { clearRedisPrefix, createApiKey, createTestDatabase, missingBuildsMessage, testRedisPrefix, waitUntil, type TestDatabase } from '@livecart/local-services/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type Cluster } from '../cluster/cluster.js';
import { LiveClient } from './support/live-client.js';

/**
 * The cluster `pnpm start:cluster` runs (2 api, 2 realtime, web, balancer), on a fresh database and Redis
 * prefix: every write reaches every subscriber exactly once and in order, whichever api takes it and
 * whichever instance dies.
 */

const missing = missingBuildsMessage(['api', 'realtime', 'web']);
if (missing !== undefined) console.log(`[cluster.test] skipped: ${missing}`);

/** Made once the cluster has migrated its database, as an operator would (the API holds no static token). */
let apiKey: string;
const redisPrefix = testRedisPrefix('infra-cluster');

describe.skipIf(missing !== undefined)('local cluster', () => {
  let services: Services;
  let database: TestDatabase;
  let cluster: Cluster;
  let productId: string;
  /** The product's version after the last write: each write bumps it by exactly one. */
  let version: number;
  let baseline: number;
  const clients: LiveClient[] = [];

  const url = (instance: string) => cluster.urls.get(instance)!;

  async function request(base: string, method: string, path: string, body: unknown): Promise<Record<string, unknown>> {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json', 'idempotency-key': randomUUID(), ...(method === 'PATCH' ? { 'if-match': '*' } : {}) },
      body: JSON.stringify(body),
    });
    const payload = (await response.json()) as Record<string, unknown>;
    if (!response.ok) throw new Error(`${method} ${path} → ${response.status}: ${JSON.stringify(payload)}`);
    return payload;
  }

  /** Alternates a price change and a one-unit order, each a new product version and one event. */
  async function write(apiInstance: string): Promise<void> {
    if (version % 2 === 0) await request(url(apiInstance), 'PATCH', `/v1/products/${productId}`, { priceMinor: 1_000 + version });
    else await request(url(apiInstance), 'POST', '/v1/orders', { items: [{ productId, quantity: 1 }] });
    version += 1;
  }

  async function relayLeader(): Promise<string | undefined> {
    for (const name of ['api-1', 'api-2']) {
      const text = await fetch(`${url(name)}/metrics`).then((r) => r.text(), () => '');
      if (/^outbox_relay_leader 1$/m.test(text)) return name;
    }
    return undefined;
  }

  const expected = () => Array.from({ length: version - baseline }, (_, i) => baseline + 1 + i);
  const received = (client: LiveClient) => client.versionsOf(productId).filter((v) => v > baseline);
  const allReceived = () => clients.every((client) => received(client).length >= version - baseline);

  /** Every client got every version after the baseline exactly once, in order: no gap, no duplicate. */
  async function expectExactlyOnce(timeoutMs: number): Promise<void> {
    await waitUntil(allReceived, { what: `version ${version} on every client`, timeoutMs, intervalMs: 25 });
    await delay(300); // a duplicate would arrive by now
    for (const client of clients) expect(received(client), `client on ${client.instances.join(' → ')}`).toEqual(expected());
  }

  beforeAll(async () => {
    services = await ensureServices({ mode: 'test' });
    database = await createTestDatabase({ adminUrl: services.databaseUrl });
    cluster = await startCluster({
      databaseUrl: database.url,
      redisUrl: services.redisUrl,
      redisPrefix,
      balancerPort: await findFreePort(),
      logLevel: 'warn',
      seed: false,
    });
    apiKey = await createApiKey(database.url, { name: 'cluster test', scopes: ['catalog:write'] });
    const product = await request(cluster.url, 'POST', '/v1/products', {
      sku: `INFRA-${randomBytes(4).toString('hex').toUpperCase()}`,
      name: 'Cluster test lamp',
      category: 'lighting',
      priceMinor: 1_000,
      stock: 10_000,
    });
    productId = String(product.id);
    version = Number(product.version);
    baseline = version;
    for (let i = 0; i < 4; i += 1) clients.push(new LiveClient(cluster.wsUrl, cluster.url, [`product:${productId}`]));
    await Promise.all(clients.map((client) => client.connect()));
  });

  afterAll(async () => {
    for (const client of clients) client.close();
    await cluster?.stop();
    await database?.drop();
    if (services !== undefined) await clearRedisPrefix(services.redisUrl, redisPrefix);
    await services?.stop();
  });

  it('serves the storefront, the API and WebSockets through the balancer', async () => {
    expect((await fetch(`${cluster.url}/`)).status).toBe(200);
    expect((await fetch(`${cluster.url}/ready`)).status).toBe(200);
    expect((await fetch(`${cluster.url}/v1/products/${productId}`)).status).toBe(200);
    // Round robin puts the subscribers on both realtime instances.
    expect(new Set(clients.map((client) => client.instance))).toEqual(new Set(['realtime-1', 'realtime-2']));
  });

  it('delivers writes taken by either api instance to subscribers on both realtime instances exactly once', async () => {
    for (let i = 0; i < 12; i += 1) await write(i % 2 === 0 ? 'api-1' : 'api-2');
    await expectExactlyOnce(5_000);
  });

  it('moves the outbox relay to the other api within 5 s when its holder is killed, losing no event', async () => {
    let leader: string | undefined;
    await waitUntil(async () => (leader = await relayLeader()) !== undefined, { what: 'a relay leader', timeoutMs: 5_000, intervalMs: 25 });
    const survivor = leader === 'api-1' ? 'api-2' : 'api-1';
    // Committed on the leader just before it dies: these may still sit unpublished in the outbox.
    for (let i = 0; i < 3; i += 1) await write(leader!);
    const killedAt = Date.now();
    await cluster.instances.get(leader!)!.stop('SIGKILL');
    for (let i = 0; i < 3; i += 1) await write(survivor);

    await waitUntil(async () => (await relayLeader()) === survivor, { what: `${survivor} to take the relay lease`, timeoutMs: 5_000, intervalMs: 25 });
    await waitUntil(allReceived, { what: 'every event after the takeover', timeoutMs: 5_000 - (Date.now() - killedAt), intervalMs: 25 });
    expect(Date.now() - killedAt).toBeLessThanOrEqual(5_000);
    await expectExactlyOnce(0);
  });

  it('reconnects the clients of a killed realtime instance through the balancer and resumes without a gap', async () => {
    const api = (await relayLeader()) ?? 'api-2';
    const victims = clients.filter((client) => client.instance === 'realtime-1');
    const others = clients.filter((client) => !victims.includes(client));
    expect(victims.length).toBeGreaterThan(0);
    // Held off long enough that the writes below are published while the victims are disconnected:
    // they can only get them from the replay on resume.
    for (const client of victims) client.reconnectDelayMs = 3_000;
    await cluster.instances.get('realtime-1')!.stop('SIGKILL');
    for (let i = 0; i < 4; i += 1) await write(api);
    await waitUntil(() => others.every((client) => received(client).length === version - baseline), { what: 'the live clients', timeoutMs: 2_500, intervalMs: 25 });

    await expectExactlyOnce(10_000);
    for (const client of victims) {
      expect(client.instances).toEqual(['realtime-1', 'realtime-2']);
      expect(client.replayed.at(-1)).toBe(4);
    }
    for (const client of clients) expect(client.resets).toEqual([]);
  });
});
