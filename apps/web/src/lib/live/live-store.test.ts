import type { LivecartEvent } from '@livecart/schemas/events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LiveStore, type LiveStoreOptions, type RefetchResult } from './live-store';
import { FakeSocket, product, updated } from './test-support';

const URL = 'ws://realtime.test/ws';
const P = product();
const TOPIC = `product:${P.id}` as const;

function setup(
  refetch: (ids: string[]) => Promise<RefetchResult> = async () => ({ items: [], missing: [] }),
  extra: Pick<LiveStoreOptions, 'silenceMs' | 'handshakeTimeoutMs'> = {},
) {
  const sockets: FakeSocket[] = [];
  const warnings: string[] = [];
  const store = new LiveStore({
    connect: (url, protocol) => {
      const socket = new FakeSocket(url, protocol);
      sockets.push(socket);
      return socket;
    },
    refetch,
    random: () => 0.5,
    warn: (message) => warnings.push(message),
    ...extra,
  });
  const last = () => {
    const socket = sockets.at(-1);
    if (!socket) throw new Error('no socket opened');
    return socket;
  };
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
    expect(sockets[0]?.protocol).toBe('livecart.v1.json');
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

  it('shares one socket and one subscription among components (ref-counted)', async () => {
    const { store, sockets, last } = setup();
    store.configure(URL);
    store.acquire([TOPIC], 5);
    await tick();
    last().welcome();
    const releaseA = store.acquire([TOPIC], 5);
    const releaseB = store.acquire([TOPIC], 5);
    await tick();
    expect(sockets).toHaveLength(1);
    expect(last().sent.filter((m) => m.type === 'subscribe')).toHaveLength(1);
    releaseA();
    releaseA();
    await tick();
    expect(last().sent.some((m) => m.type === 'unsubscribe')).toBe(false);
    releaseB();
    await tick();
    expect(last().sent.some((m) => m.type === 'unsubscribe')).toBe(false);
  });

  it('unsubscribes when the last interested component goes, and sends nothing for a same-tick re-mount', async () => {
    const { store, last } = setup();
    store.configure(URL);
    const release = store.acquire([TOPIC], 5);
    await tick();
    last().welcome();
    release();
    store.acquire([TOPIC], 5);
    await tick();
    expect(last().sent).toHaveLength(1);
    store.acquire(['catalog'], 5)();
    await tick();
    expect(last().sent).toHaveLength(1);
    const releaseAll = store.acquire(['category:home'], 7);
    await tick();
    expect(last().sent.at(-1)).toEqual({ type: 'subscribe', topics: ['category:home'], since: 7 });
    releaseAll();
    await tick();
    expect(last().sent.at(-1)).toEqual({ type: 'unsubscribe', topics: ['category:home'] });
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

  it('delivers each seq once to event listeners', async () => {
    const { store, last } = await connected();
    const seen: number[] = [];
    store.onEvent((event) => seen.push(event.seq));
    const event = updated(2, { ...P, version: 2 });
    last().serverSends({ type: 'event', event });
    last().serverSends({ type: 'batch', events: [event, updated(3, { ...P, version: 3 })] });
    expect(seen).toEqual([2, 3]);
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

  it('ignores frames that do not follow the protocol', async () => {
    const { store, last, warnings } = await connected();
    last().receiveRaw('not json');
    last().receiveRaw(JSON.stringify({ type: 'event', event: { seq: 'x' } }));
    expect(warnings).toHaveLength(2);
    expect(store.getProduct(P.id)?.product.version).toBe(1);
  });
});

describe('LiveStore reconnect and resume', () => {
  it('reconnects with backoff after the server goes away and resumes from the last applied seq', async () => {
    const { store, sockets, last } = setup();
    store.configure(URL);
    store.seed([P]);
    store.acquire([TOPIC], 1);
    await tick();
    last().welcome();
    last().serverSends({ type: 'subscribed', topics: [TOPIC], seq: 3, replayed: 0 });
    last().serverSends({ type: 'event', event: updated(7, { ...P, version: 2 }) });
    last().serverCloses(1001);
    expect(store.getState()).toBe('reconnecting');
    await tick(100);
    expect(sockets).toHaveLength(1);
    await tick(200); // first backoff step: 250 ms ceiling, half fixed + half jittered (random = 0.5)
    expect(sockets).toHaveLength(2);
    last().welcome();
    expect(store.getState()).toBe('connected');
    expect(last().sent).toEqual([{ type: 'subscribe', topics: [TOPIC], since: 7 }]);
  });

  it('backs off further after each failed attempt and resets once welcomed', async () => {
    const { store, sockets, last } = setup();
    store.configure(URL);
    store.acquire([TOPIC], 1);
    await tick();
    last().serverCloses(1006);
    await tick(188);
    expect(sockets).toHaveLength(2);
    last().serverCloses(1006);
    await tick(374);
    expect(sockets).toHaveLength(2);
    await tick(1);
    expect(sockets).toHaveLength(3);
    last().welcome();
    last().serverCloses(4000);
    await tick(188);
    expect(sockets).toHaveLength(4);
  });

  it('waits at least 15 s when the server says the client was rate limited', async () => {
    const { store, sockets, last } = setup();
    store.configure(URL);
    store.acquire([TOPIC], 1);
    await tick();
    last().welcome();
    last().serverCloses(4429);
    await tick(14_000);
    expect(sockets).toHaveLength(1);
    await tick(1_000);
    expect(sockets).toHaveLength(2);
  });

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

  it('on a reset into a new epoch, forgets the seqs of the old one and resumes in the new one', async () => {
    const [oldEpoch, newEpoch] = ['0b6f1e2a-3c4d-4e5f-8a9b-0c1d2e3f4a5b', '1b6f1e2a-3c4d-4e5f-8a9b-0c1d2e3f4a5b'];
    const { store, sockets, last } = setup();
    store.configure(URL);
    store.seed([P]);
    store.acquire([TOPIC], 1);
    await tick();
    last().welcome();
    last().serverSends({ type: 'subscribed', topics: [TOPIC], seq: 1_000, epoch: oldEpoch, replayed: 0 });
    last().serverSends({ type: 'event', event: { ...updated(1_118, { ...P, version: 2 }), epoch: oldEpoch } });
    last().serverSends({ type: 'reset', topics: [TOPIC], seq: 800, epoch: newEpoch, reason: 'epoch_changed' });
    // The same seq in the new history is another event; a late one of the old history is not applied.
    last().serverSends({ type: 'event', event: { ...updated(1_118, { ...P, version: 5 }), epoch: newEpoch } });
    last().serverSends({ type: 'event', event: { ...updated(1_119, { ...P, version: 9 }), epoch: oldEpoch } });
    expect(store.getProduct(P.id)?.product.version).toBe(5);
    last().serverCloses(1001);
    await tick(1_000);
    expect(sockets).toHaveLength(2);
    last().welcome();
    expect(last().sent).toEqual([{ type: 'subscribe', topics: [TOPIC], since: 1_118, epoch: newEpoch }]);
  });

  it('after a reset into a new epoch, shows the restored product though its version is lower than the one shown', async () => {
    const [oldEpoch, newEpoch] = ['0b6f1e2a-3c4d-4e5f-8a9b-0c1d2e3f4a5b', '1b6f1e2a-3c4d-4e5f-8a9b-0c1d2e3f4a5b'];
    // The database went back to version 3 of P; the page showed version 7 of the lost history.
    let answer: (result: RefetchResult) => void = () => undefined;
    const { store, last } = await showingVersion7(oldEpoch, () => new Promise<RefetchResult>((resolve) => (answer = resolve)));
    last().serverSends({ type: 'reset', topics: [TOPIC], seq: 800, epoch: newEpoch, reason: 'epoch_changed' });
    await tick();
    answer({ items: [{ ...P, version: 3, priceMinor: 300 }], missing: [] });
    await tick();
    expect(store.getProduct(P.id)?.product).toMatchObject({ version: 3, priceMinor: 300 });
    // From then on, newer versions of the new history only.
    last().serverSends({ type: 'event', event: { ...updated(801, { ...P, version: 4, priceMinor: 400 }), epoch: newEpoch } });
    last().serverSends({ type: 'event', event: { ...updated(802, { ...P, version: 2, priceMinor: 200 }), epoch: newEpoch } });
    expect(store.getProduct(P.id)?.product).toMatchObject({ version: 4, priceMinor: 400 });
  });

  it('drops the answer of a refetch asked before the history changed again', async () => {
    const [first, second, third] = ['0b6f1e2a-3c4d-4e5f-8a9b-0c1d2e3f4a5b', '1b6f1e2a-3c4d-4e5f-8a9b-0c1d2e3f4a5b', '2b6f1e2a-3c4d-4e5f-8a9b-0c1d2e3f4a5b'];
    const answers: ((result: RefetchResult) => void)[] = [];
    const { store, last } = await showingVersion7(first, () => new Promise<RefetchResult>((resolve) => answers.push(resolve)));
    last().serverSends({ type: 'reset', topics: [TOPIC], seq: 800, epoch: second, reason: 'epoch_changed' });
    await tick();
    last().serverSends({ type: 'reset', topics: [TOPIC], seq: 500, epoch: third, reason: 'epoch_changed' });
    await tick();
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

  it('tells an onReset listener (the server-side page cache) after handling the reset', async () => {
    const onReset = vi.fn();
    let socket: FakeSocket | undefined;
    const store = new LiveStore({ connect: (url, protocol) => (socket = new FakeSocket(url, protocol)), onReset, warn: () => undefined });
    store.configure(URL);
    store.acquire(['catalog'], null);
    await tick();
    socket!.welcome();
    expect(socket!.sent).toEqual([{ type: 'subscribe', topics: ['catalog'] }]);
    socket!.serverSends({ type: 'reset', topics: ['catalog'], seq: 9, reason: 'replay_failed' });
    expect(onReset).toHaveBeenCalledWith(expect.objectContaining({ type: 'reset', seq: 9 }));
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

describe('LiveStore silence and handshake timeout', () => {
  const noRefetch = async () => ({ items: [], missing: [] });

  async function welcomed(extra: Pick<LiveStoreOptions, 'silenceMs' | 'handshakeTimeoutMs'> = {}) {
    const ctx = setup(noRefetch, extra);
    ctx.store.configure(URL);
    ctx.store.seed([P]);
    ctx.store.acquire([TOPIC], 1);
    await tick();
    ctx.last().welcome();
    return ctx;
  }

  it('pings a quiet connection, and replaces it within the window when nothing answers, resuming from the last seq', async () => {
    const { store, sockets, last, warnings } = await welcomed({ silenceMs: 10_000 });
    last().serverSends({ type: 'event', event: updated(7, { ...P, version: 2 }) });
    await tick(3_999);
    expect(last().sent.some((m) => m.type === 'ping')).toBe(false);
    await tick(1_000);
    expect(last().sent.at(-1)).toEqual({ type: 'ping' });
    expect(store.getState()).toBe('connected');
    await tick(4_999);
    expect(sockets[0]?.closedByClient).toBe(true);
    expect(store.getState()).toBe('reconnecting');
    expect(warnings).toContain('realtime connection silent; reconnecting');
    await tick(250);
    expect(sockets).toHaveLength(2);
    last().welcome();
    expect(last().sent).toEqual([{ type: 'subscribe', topics: [TOPIC], since: 7 }]);
  });

  it('keeps a quiet connection that answers its pings, however long nothing happens', async () => {
    const { store, sockets, last } = await welcomed({ silenceMs: 10_000 });
    for (let second = 0; second < 120; second++) {
      await tick(1_000);
      if (last().sent.at(-1)?.type === 'ping') {
        last().sent.length = 0;
        last().serverSends({ type: 'pong', ts: 0 });
      }
    }
    expect(sockets).toHaveLength(1);
    expect(sockets[0]?.closedByClient).toBe(false);
    expect(store.getState()).toBe('connected');
  });

  it('counts events as signs of life: a busy feed is never pinged', async () => {
    const { sockets, last } = await welcomed({ silenceMs: 10_000 });
    for (let seq = 2; seq < 60; seq++) {
      await tick(1_000);
      last().serverSends({ type: 'event', event: updated(seq, { ...P, version: seq }) });
    }
    expect(last().sent.some((m) => m.type === 'ping')).toBe(false);
    expect(sockets).toHaveLength(1);
  });

  it('probes before judging when its own timer ran late (a throttled tab), instead of blaming the server', async () => {
    const { store, sockets, last } = await welcomed({ silenceMs: 10_000 });
    vi.setSystemTime(Date.now() + 60_000);
    await tick(1_000);
    expect(last().sent.at(-1)).toEqual({ type: 'ping' });
    expect(store.getState()).toBe('connected');
    await tick(3_000); // the answer takes a while: still well inside the window counted from the ping
    last().serverSends({ type: 'pong', ts: 0 });
    await tick(3_000);
    expect(sockets).toHaveLength(1);
    expect(store.getState()).toBe('connected');
  });

  it('abandons a handshake that gets no welcome in time and retries with backoff', async () => {
    const { store, sockets, last, warnings } = setup(noRefetch, { handshakeTimeoutMs: 5_000 });
    store.configure(URL);
    store.acquire([TOPIC], 1);
    await tick();
    await tick(4_999);
    expect(sockets[0]?.closedByClient).toBe(false);
    await tick(1);
    expect(sockets[0]?.closedByClient).toBe(true);
    expect(warnings).toContain('realtime handshake timed out; retrying');
    expect(store.getState()).toBe('reconnecting');
    await tick(188);
    expect(sockets).toHaveLength(2);
    last().welcome();
    expect(store.getState()).toBe('connected');
    await tick(6_000);
    expect(last().closedByClient).toBe(false);
    expect(last().sent).toEqual([{ type: 'subscribe', topics: [TOPIC], since: 1 }, { type: 'ping' }]);
  });
});

describe('LiveStore private topics', () => {
  const ORDER = 'order:00000000-0000-4000-8000-0000000000aa' as const;

  function setupWithTokens() {
    const minted: string[][] = [];
    const sockets: FakeSocket[] = [];
    const store = new LiveStore({
      connect: (url, protocol) => {
        const socket = new FakeSocket(url, protocol);
        sockets.push(socket);
        return socket;
      },
      random: () => 0.5,
      warn: () => {},
      tokenFor: async (topics) => {
        minted.push(topics);
        return `token-${minted.length}`;
      },
    });
    return { store, sockets, minted, last: () => sockets.at(-1)! };
  }

  it('subscribes private topics with a minted token, public ones without', async () => {
    const { store, last, minted } = setupWithTokens();
    store.configure(URL);
    store.acquire([TOPIC, ORDER], 7);
    await tick();
    last().welcome();
    await tick();
    expect(minted).toEqual([[ORDER]]);
    expect(last().sent).toEqual([
      { type: 'subscribe', topics: [TOPIC], since: 7 },
      { type: 'subscribe', topics: [ORDER], since: 7, token: 'token-1' },
    ]);
  });

  it('mints a fresh token on reconnect and resumes from the last applied seq', async () => {
    const { store, last, minted, sockets } = setupWithTokens();
    store.configure(URL);
    store.acquire([ORDER], 7);
    await tick();
    last().welcome();
    await tick();
    last().serverSends({ type: 'event', event: { ...updated(9, P), topics: [ORDER] } });
    last().serverCloses(1001);
    await tick(300);
    expect(sockets).toHaveLength(2);
    last().welcome();
    await tick();
    expect(minted).toHaveLength(2);
    expect(last().sent).toEqual([{ type: 'subscribe', topics: [ORDER], since: 9, token: 'token-2' }]);
  });

  it('follows again with a fresh token when the server ends a subscription at its token expiry', async () => {
    const { store, last, minted } = setupWithTokens();
    store.configure(URL);
    store.acquire([ORDER], 7);
    await tick();
    last().welcome();
    await tick();
    last().serverSends({ type: 'event', event: { ...updated(12, P), topics: [ORDER] } });
    last().serverSends({ type: 'unsubscribed', topics: [ORDER], reason: 'token_expired' });
    await tick();
    expect(minted).toHaveLength(2);
    expect(last().sent.at(-1)).toEqual({ type: 'subscribe', topics: [ORDER], since: 12, token: 'token-2' });
  });
});
