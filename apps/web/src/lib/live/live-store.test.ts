import type { LivecartEvent } from '@livecart/schemas/events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LiveStore, type LiveStoreOptions, type RefetchResult } from './live-store';
import { fakeWebSockets, orderPaid, product, updated } from './test-support';

const URL = 'ws://realtime.test/ws';
const P = product();
const TOPIC = `product:${P.id}` as const;

function setup(
  refetch: (ids: string[]) => Promise<RefetchResult> = async () => ({ items: [], missing: [] }),
  extra: Partial<LiveStoreOptions> = {},
) {
  const { WebSocket, sockets, last } = fakeWebSockets();
  const warnings: string[] = [];
  const store = new LiveStore({ WebSocket, refetch, random: () => 0.5, warn: (message) => warnings.push(message), ...extra });
  return { store, sockets, last, warnings };
}

/** A store showing version 7 of P, subscribed to its topic in `epoch`, refetching with `refetch`. */
async function showingVersion7(epoch: string, refetch: (ids: string[]) => Promise<RefetchResult>) {
  const built = setup(refetch);
  built.store.configure(URL);
  built.store.seed([{ ...P, version: 7, priceMinor: 700 }]);
  built.store.acquire([TOPIC], 1);
  await tick();
  built.last().welcome();
  built.last().serverSends({ type: 'subscribed', topics: [TOPIC], seq: 1_000, epoch, replayed: 0 });
  return built;
}

/** The setup's random() is 0.5: a refetch after a new epoch waits half the default 1 s spread. */
const SPREAD_WAIT_MS = 500;

/** Lets queued microtasks (the subscribe flush) and due timers run. */
const tick = (ms = 0) => vi.advanceTimersByTimeAsync(ms);

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('LiveStore connection', () => {
  it('connects only once it has both a URL and something to watch, with the JSON subprotocol', async () => {
    const { store, sockets } = setup();
    store.configure(URL);
    await tick();
    expect(sockets).toHaveLength(0);
    store.acquire([TOPIC], 10);
    await tick();
    expect(sockets).toHaveLength(1);
    expect(sockets[0]?.protocols).toBe('livecart.v1.json');
    // A page follows state: it asks for each product's newest state, not every step of a burst.
    expect(sockets[0]?.url).toBe(`${URL}?delivery=latest`);
    expect(store.getState()).toBe('connecting');
  });

  it('subscribes after the welcome, resuming from the seq the page was rendered at', async () => {
    const { store, last } = setup();
    store.configure(URL);
    store.acquire([TOPIC, 'catalog'], 42);
    await tick();
    expect(last().sent).toEqual([]);
    last().welcome();
    expect(store.getState()).toBe('connected');
    expect(last().sent).toEqual([{ type: 'subscribe', topics: [TOPIC, 'catalog'], since: 42 }]);
  });

});

describe('LiveStore events', () => {
  async function connected() {
    const ctx = setup();
    ctx.store.configure(URL);
    ctx.store.seed([P]);
    ctx.store.acquire([TOPIC], 1);
    await tick();
    ctx.last().welcome();
    return ctx;
  }

  it('applies a newer version and notifies subscribers', async () => {
    const { store, last } = await connected();
    const listener = vi.fn();
    store.subscribe(listener);
    last().serverSends({ type: 'event', event: updated(2, { ...P, priceMinor: 2_500, version: 2 }) });
    expect(store.getProduct(P.id)?.product.priceMinor).toBe(2_500);
    expect(listener).toHaveBeenCalledTimes(1);
  });

  it('never applies an older or equal version, whatever order events arrive in', async () => {
    const { store, last } = await connected();
    last().serverSends({
      type: 'batch',
      events: [updated(4, { ...P, priceMinor: 400, version: 4 }), updated(3, { ...P, priceMinor: 300, version: 3 })],
    });
    last().serverSends({ type: 'event', event: updated(5, { ...P, priceMinor: 999, version: 4 }) });
    expect(store.getProduct(P.id)?.product).toMatchObject({ priceMinor: 400, version: 4 });
  });

  it('keeps snapshots stable between changes and ignores stale server snapshots', async () => {
    const { store, last } = await connected();
    last().serverSends({ type: 'event', event: updated(2, { ...P, stock: 3, version: 2 }) });
    const before = store.getProduct(P.id);
    store.seed([{ ...P, stock: 10, version: 1 }]);
    expect(store.getProduct(P.id)).toBe(before);
  });

  it('feeds events of products nobody shows to listeners without storing them', async () => {
    const { store, last } = await connected();
    const other = product({ id: '00000000-0000-4000-8000-000000000002' });
    const feed = vi.fn();
    store.onEvent(feed);
    last().serverSends({ type: 'event', event: updated(2, { ...other, version: 2 }) });
    expect(store.getProduct(other.id)).toBeUndefined();
    expect(feed).toHaveBeenCalledTimes(1);
  });

  it('marks a deleted product', async () => {
    const { store, last } = await connected();
    const deletion: LivecartEvent = {
      seq: 9,
      type: 'product.deleted',
      topics: [TOPIC, 'catalog'],
      occurredAt: '2026-01-01T00:00:00.000Z',
      data: { id: P.id, sku: P.sku, category: P.category, version: 2 },
    };
    last().serverSends({ type: 'event', event: deletion });
    expect(store.getProduct(P.id)).toMatchObject({ deleted: true, product: { name: P.name } });
  });

});

describe('LiveStore reconnect and resume', () => {
  it('stops retrying while the browser is offline and reconnects when it is back', async () => {
    const { store, sockets, last } = setup();
    store.configure(URL);
    store.acquire([TOPIC], 1);
    await tick();
    last().welcome();
    store.setOnline(false);
    expect(store.getState()).toBe('offline');
    await tick(60_000);
    expect(sockets).toHaveLength(1);
    store.setOnline(true);
    expect(sockets).toHaveLength(2);
    expect(store.getState()).toBe('reconnecting');
  });

  it('on reset, refetches the products on screen and carries on from the new seq', async () => {
    const fresh = { ...P, priceMinor: 777, version: 9 };
    const gone = product({ id: '00000000-0000-4000-8000-000000000003', category: 'toys' });
    const refetch = vi.fn(async () => ({ items: [fresh], missing: [gone.id] }));
    const { store, sockets, last } = setup(refetch);
    store.configure(URL);
    store.seed([P, gone]);
    store.acquire(['catalog'], 1);
    await tick();
    last().welcome();
    last().serverSends({ type: 'reset', topics: ['catalog'], seq: 500, reason: 'history_trimmed' });
    await tick();
    expect(refetch).toHaveBeenCalledWith([P.id, gone.id]);
    expect(store.getProduct(P.id)?.product.priceMinor).toBe(777);
    expect(store.getProduct(gone.id)?.deleted).toBe(true);
    last().serverCloses(1001);
    await tick(1_000);
    expect(sockets).toHaveLength(2);
    last().welcome();
    expect(last().sent).toEqual([{ type: 'subscribe', topics: ['catalog'], since: 500 }]);
  });

  it('after a reset into a new epoch, shows the restored product though its version is lower than the one shown', async () => {
    const [oldEpoch, newEpoch] = ['0b6f1e2a-3c4d-4e5f-8a9b-0c1d2e3f4a5b', '1b6f1e2a-3c4d-4e5f-8a9b-0c1d2e3f4a5b'];
    // The database went back to version 3 of P; the page showed version 7 of the lost history.
    let answer: (result: RefetchResult) => void = () => undefined;
    const { store, last } = await showingVersion7(oldEpoch, () => new Promise<RefetchResult>((resolve) => (answer = resolve)));
    last().serverSends({ type: 'reset', topics: [TOPIC], seq: 800, epoch: newEpoch, reason: 'epoch_changed' });
    await tick(SPREAD_WAIT_MS);
    answer({ items: [{ ...P, version: 3, priceMinor: 300 }], missing: [] });
    await tick();
    expect(store.getProduct(P.id)?.product).toMatchObject({ version: 3, priceMinor: 300 });
    // From then on, newer versions of the new history only.
    last().serverSends({ type: 'event', event: { ...updated(801, { ...P, version: 4, priceMinor: 400 }), epoch: newEpoch } });
    last().serverSends({ type: 'event', event: { ...updated(802, { ...P, version: 2, priceMinor: 200 }), epoch: newEpoch } });
    expect(store.getProduct(P.id)?.product).toMatchObject({ version: 4, priceMinor: 400 });
  });

  it('after a reset into a new epoch, refetches a random part of a second later, so that every open page does not ask at once', async () => {
    const refetch = vi.fn(async () => ({ items: [], missing: [] }));
    const { last } = await showingVersion7('0b6f1e2a-3c4d-4e5f-8a9b-0c1d2e3f4a5b', refetch);
    last().serverSends({ type: 'reset', topics: [TOPIC], seq: 800, epoch: '1b6f1e2a-3c4d-4e5f-8a9b-0c1d2e3f4a5b', reason: 'epoch_changed' });
    await tick(SPREAD_WAIT_MS - 1);
    expect(refetch).not.toHaveBeenCalled();
    await tick(1);
    expect(refetch).toHaveBeenCalledWith([P.id]);
    // A reset within the same history (a resume point too old) refetches at once.
    last().serverSends({ type: 'reset', topics: [TOPIC], seq: 900, epoch: '1b6f1e2a-3c4d-4e5f-8a9b-0c1d2e3f4a5b', reason: 'history_trimmed' });
    await tick();
    expect(refetch).toHaveBeenCalledTimes(2);
  });

  it('drops the answer of a refetch asked before the history changed again', async () => {
    const [first, second, third] = ['0b6f1e2a-3c4d-4e5f-8a9b-0c1d2e3f4a5b', '1b6f1e2a-3c4d-4e5f-8a9b-0c1d2e3f4a5b', '2b6f1e2a-3c4d-4e5f-8a9b-0c1d2e3f4a5b'];
    const answers: ((result: RefetchResult) => void)[] = [];
    const { store, last } = await showingVersion7(first, () => new Promise<RefetchResult>((resolve) => answers.push(resolve)));
    last().serverSends({ type: 'reset', topics: [TOPIC], seq: 800, epoch: second, reason: 'epoch_changed' });
    await tick(SPREAD_WAIT_MS);
    last().serverSends({ type: 'reset', topics: [TOPIC], seq: 500, epoch: third, reason: 'epoch_changed' });
    await tick(SPREAD_WAIT_MS);
    answers[0]!({ items: [{ ...P, version: 5, priceMinor: 500 }], missing: [] });
    await tick();
    expect(store.getProduct(P.id)?.product.version).toBe(7);
    answers[1]!({ items: [{ ...P, version: 2, priceMinor: 200 }], missing: [] });
    await tick();
    expect(store.getProduct(P.id)?.product).toMatchObject({ version: 2, priceMinor: 200 });
  });

  it('names the page\'s epoch when it resumes, and reads again what a page of another history shows', async () => {
    const [pageEpoch, otherEpoch] = ['0b6f1e2a-3c4d-4e5f-8a9b-0c1d2e3f4a5b', '1b6f1e2a-3c4d-4e5f-8a9b-0c1d2e3f4a5b'];
    const refetch = vi.fn(async () => ({ items: [], missing: [] }));
    const { store, last } = setup(refetch);
    store.configure(URL);
    store.seed([P]);
    store.acquire([TOPIC], 40, pageEpoch);
    await tick();
    last().welcome();
    expect(last().sent).toEqual([{ type: 'subscribe', topics: [TOPIC], since: 40, epoch: pageEpoch }]);
    last().serverSends({ type: 'subscribed', topics: [TOPIC], seq: 40, epoch: pageEpoch, replayed: 0 });
    // Another page rendered in a history this tab does not know: its seq is not resumed from.
    const other = product({ id: '00000000-0000-4000-8000-000000000002' });
    store.seed([other]);
    store.acquire([`product:${other.id}`], 7, otherEpoch);
    await tick();
    expect(last().sent.at(-1)).toEqual({ type: 'subscribe', topics: [`product:${other.id}`] });
    expect(refetch).toHaveBeenCalledWith([other.id]);
  });

  it('retries a failed refetch and keeps the newer of refetched and live data', async () => {
    let calls = 0;
    const refetch = vi.fn(async () => {
      calls += 1;
      if (calls === 1) throw new Error('network');
      return { items: [{ ...P, priceMinor: 100, version: 2 }], missing: [] };
    });
    const { store, last } = setup(refetch);
    store.configure(URL);
    store.seed([P]);
    store.acquire([TOPIC], 1);
    await tick();
    last().welcome();
    last().serverSends({ type: 'reset', topics: [TOPIC], seq: 50, reason: 'history_trimmed' });
    last().serverSends({ type: 'event', event: updated(51, { ...P, priceMinor: 300, version: 3 }) });
    await tick(5_000);
    expect(refetch).toHaveBeenCalledTimes(2);
    expect(store.getProduct(P.id)?.product).toMatchObject({ priceMinor: 300, version: 3 });
  });
});

describe('LiveStore private topics', () => {
  const ORDER = 'order:00000000-0000-4000-8000-0000000000aa' as const;

  function setupWithTokens() {
    const minted: string[][] = [];
    const built = setup(undefined, {
      tokenFor: async (topics) => {
        minted.push(topics);
        return `token-${minted.length}`;
      },
    });
    return { ...built, minted };
  }

  it('reads no product again when the reset is of a private topic only', async () => {
    const refetch = vi.fn(async () => ({ items: [], missing: [] }));
    const { store, last } = setup(refetch, { tokenFor: async () => 'token' });
    store.configure(URL);
    store.seed([P]);
    store.acquire([TOPIC, ORDER], 7);
    await tick();
    last().welcome();
    await tick();
    last().serverSends({ type: 'reset', topics: [ORDER], seq: 50, reason: 'history_trimmed' });
    last().serverSends({ type: 'reset', topics: [TOPIC], seq: 50, reason: 'history_trimmed' });
    await tick();
    expect(refetch.mock.calls).toEqual([[[P.id]]]);
  });

  it('knows a private topic the server refused as not live, until a new connection asks again', async () => {
    const { store, last, sockets } = setupWithTokens();
    const notified = vi.fn();
    store.subscribe(notified);
    store.configure(URL);
    store.acquire([TOPIC, ORDER], 7);
    await tick();
    last().welcome();
    await tick();
    // A refused token is asked for again: still live as far as the page can tell.
    last().serverSends({ type: 'error', code: 'token_expired', message: 'the token expired', id: 'private-1' });
    expect(store.isRefused(ORDER)).toBe(false);
    await tick(1_000);
    last().serverSends({ type: 'error', code: 'topic_forbidden', message: 'the token does not grant this topic', id: 'private-2' });
    expect(store.isRefused(ORDER)).toBe(true);
    expect(store.isRefused(TOPIC)).toBe(false);
    expect(notified).toHaveBeenCalled();
    last().serverCloses(1001);
    expect(store.isRefused(ORDER)).toBe(false);
    await tick(300);
    expect(sockets).toHaveLength(2);
  });

  it('hands an order event to private listeners (once), not to the product table or the catalog feed', async () => {
    const { store, last } = setupWithTokens();
    const orders: unknown[] = [];
    const catalog: unknown[] = [];
    store.onPrivateEvent((event) => orders.push(event.data));
    store.onEvent((event) => catalog.push(event));
    store.configure(URL);
    store.acquire([ORDER], 7);
    await tick();
    last().welcome();
    await tick();
    const event = orderPaid(8, ORDER.slice('order:'.length), P);
    const order = event.data;
    // Frames of a connection following private topics (`OrderEventMessageSchema`, `MixedBatchMessageSchema`).
    last().receiveRaw(JSON.stringify({ type: 'event', event }));
    last().receiveRaw(JSON.stringify({ type: 'batch', events: [event] }));
    expect(orders).toEqual([order]);
    expect(catalog).toEqual([]);
    expect(store.getProduct(order.id)).toBeUndefined();
  });
});
