import { API_KEY_SCOPES } from '@livecart/schemas';
import type { LivecartEvent } from '@livecart/schemas/events';
import { orderTopic, productTopic, type Topic } from '@livecart/schemas/topics';
import { createApiKey, createTestBackends, startBuiltApp, waitUntil, type BuiltApp, type TestBackends } from '@livecart/local-services/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLivecartClient, eventPositionOf, unwrap, type LivecartClient } from '../src/index.js';
import { type PrivateEvent, RealtimeClient } from '../src/realtime/index.js';

/*
 * The realtime client (with Node's own WebSocket, as a consumer would use it) against the production builds
 * of the API and the realtime server, on a database and Redis prefix of this file's own.
 */

let backends: TestBackends;
let api: BuiltApp;
let realtime: BuiltApp;
let staff: LivecartClient;

beforeAll(async () => {
  backends = await createTestBackends({ label: 'client-realtime' });
  const key = await createApiKey(backends.databaseUrl, { name: 'realtime client test', scopes: [...API_KEY_SCOPES] });
  const redis = { REDIS_URL: backends.redisUrl, REDIS_PREFIX: backends.redisPrefix };
  api = await startBuiltApp('api', { name: 'api-client-realtime', env: { ...redis, DATABASE_URL: backends.databaseUrl, RATE_LIMIT_ENABLED: 'false' } });
  // Node's WebSocket sends no Origin: the server must accept clients that are no browser.
  realtime = await startBuiltApp('realtime', { name: 'realtime-client', env: { ...redis, WS_ALLOW_NO_ORIGIN: 'true' } });
  staff = createLivecartClient({ baseUrl: api.url, headers: { authorization: `Bearer ${key}` } });
});
afterAll(async () => {
  await realtime?.stop();
  await api?.stop();
  await backends?.close();
});

describe('RealtimeClient against the running realtime server', () => {
  it('resumes without a gap or a duplicate across a server-side disconnect, and follows a private order topic with a token', async () => {
    const product = unwrap(await staff.POST('/v1/products', { body: { sku: 'MUG-LIVE', name: 'Blue mug', category: 'kitchen', priceMinor: 1_000, stock: 5 } }));
    const order = unwrap(await staff.POST('/v1/orders', { body: { items: [{ productId: product.id, quantity: 1 }] } }));
    // The snapshot and the position it was read at: the subscription resumes from there.
    const read = await staff.GET('/v1/products/{id}', { params: { path: { id: product.id } } });
    const position = eventPositionOf(read.response);
    expect(position).toBeDefined();

    const tokensAsked: Topic[][] = [];
    const client = new RealtimeClient({
      url: `${realtime.url.replace(/^http/, 'ws')}/ws`,
      tokenFor: async (topics) => {
        tokensAsked.push(topics);
        return unwrap(await staff.POST('/v1/realtime/tokens', { body: { topics } })).token;
      },
      warn: () => undefined,
    });
    const events: LivecartEvent[] = [];
    const privateEvents: PrivateEvent[] = [];
    const states: string[] = [];
    client.onEvent((event) => events.push(event));
    client.onPrivateEvent((event) => privateEvents.push(event));
    client.onStateChange((state) => states.push(state));
    client.subscribe([productTopic(product.id), orderTopic(order.id)], position);

    const prices: number[] = [];
    const reprice = async () => {
      const priceMinor = 1_001 + prices.length;
      unwrap(await staff.PATCH('/v1/products/{id}', { params: { path: { id: product.id }, header: { 'if-match': '*' } }, body: { priceMinor } }));
      prices.push(priceMinor);
    };
    // Counted by price: the product's position may predate the order's stock change too (its instance had
    // not applied it yet), which the resume then replays on the product's topic as well.
    const priceChanges = () => events.filter((event) => event.type === 'product.updated').map((event) => event.data.priceMinor);
    // Written between the read and the connection: the resume replays them.
    await reprice();
    await reprice();
    await waitUntil(() => client.state === 'connected' && priceChanges().length === 2, { what: 'the first two changes', timeoutMs: 20_000, intervalMs: 20 });
    await reprice();
    await waitUntil(() => priceChanges().length === 3, { what: 'a live change', timeoutMs: 20_000, intervalMs: 20 });

    // The server goes away (1001, as on a deploy); changes go on meanwhile, the order's among them.
    await realtime.stop('SIGTERM');
    await waitUntil(() => client.state === 'reconnecting', { what: 'the client to notice', timeoutMs: 20_000, intervalMs: 20 });
    await reprice();
    await reprice();
    unwrap(await staff.POST('/v1/orders/{id}/cancel', { params: { path: { id: order.id } } }));
    await realtime.restart();
    const cancellations = () => privateEvents.filter((event) => event.type === 'order.cancelled');
    await waitUntil(() => cancellations().length === 1, { what: 'the missed order event', timeoutMs: 30_000, intervalMs: 20 });
    await reprice();

    await waitUntil(() => priceChanges().length === prices.length, { what: 'every price change', timeoutMs: 20_000, intervalMs: 20 });
    expect(priceChanges()).toEqual(prices);
    // Each seq once, in order (the cancellation also put the stock back: a stock.changed on the topic).
    const seqs = events.map((event) => event.seq);
    expect(seqs).toEqual([...new Set(seqs)].sort((a, b) => a - b));
    expect(events.every((event) => event.seq > position!.seq)).toBe(true);
    expect(cancellations()).toMatchObject([{ type: 'order.cancelled', topics: [orderTopic(order.id)], data: { id: order.id, status: 'cancelled' } }]);
    // The product's position may predate the order's own first event (its instance had not applied it yet):
    // then the resume replays it too, before the cancellation, and once.
    expect(privateEvents.map((event) => event.type)).toEqual(privateEvents.length === 2 ? ['order.pending_payment', 'order.cancelled'] : ['order.cancelled']);
    // A token was minted for each connection's subscribe.
    expect(tokensAsked).toEqual([[orderTopic(order.id)], [orderTopic(order.id)]]);
    expect(states.filter((state) => state === 'connected')).toHaveLength(2);
    client.close();
  });
});
