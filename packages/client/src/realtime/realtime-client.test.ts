import type { LivecartEvent } from '@livecart/schemas/events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeWebSockets, orderPaid, product, updated } from '../testing/fake-websocket.js';
import { MAX_TOKEN_REFUSALS, RealtimeClient, withDelivery, type RealtimeClientOptions, type RealtimeError, type RealtimeReset } from './realtime-client.js';

const URL = 'ws://realtime.test/ws';
const P = product();
const TOPIC = `product:${P.id}` as const;
const ORDER = 'order:00000000-0000-4000-8000-0000000000aa' as const;
const CART = 'cart:00000000-0000-4000-8000-0000000000cc' as const;
const [OLD_EPOCH, NEW_EPOCH] = ['0b6f1e2a-3c4d-4e5f-8a9b-0c1d2e3f4a5b', '1b6f1e2a-3c4d-4e5f-8a9b-0c1d2e3f4a5b'];

function setup(extra: Partial<RealtimeClientOptions> = {}) {
  const fake = fakeWebSockets();
  const warnings: string[] = [];
  const minted: string[][] = [];
  const client = new RealtimeClient({
    url: URL,
    WebSocket: fake.WebSocket,
    random: () => 0.5,
    warn: (message) => warnings.push(message),
    tokenFor: async (topics) => {
      minted.push(topics);
      return `token-${minted.length}`;
    },
    ...extra,
  });
  return { client, warnings, minted, ...fake };
}

/** Lets queued microtasks (the subscribe flush) and due timers run. */
const tick = (ms = 0) => vi.advanceTimersByTimeAsync(ms);

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('RealtimeClient connection', () => {
  it('connects only once it has both a URL and something to follow, with the JSON subprotocol', async () => {
    const { client, sockets } = setup({ url: undefined });
    client.subscribe([TOPIC], { seq: 10 });
    await tick();
    expect(sockets).toHaveLength(0);
    client.setUrl(URL);
    await tick();
    expect(sockets).toHaveLength(1);
    expect(sockets[0]?.protocols).toBe('livecart.v1.json');
    expect(client.state).toBe('connecting');
  });

  it('asks for delivery=latest in the URL when told to, and for nothing by default', async () => {
    for (const [delivery, url] of [
      [undefined, URL],
      ['all', URL],
      ['latest', `${URL}?delivery=latest`],
    ] as const) {
      const { client, sockets } = setup(delivery === undefined ? {} : { delivery });
      client.subscribe([TOPIC], { seq: 10 });
      await tick();
      expect(sockets[0]?.url).toBe(url);
      client.close();
    }
    expect(withDelivery('wss://shop.test/ws?x=1', 'latest')).toBe('wss://shop.test/ws?x=1&delivery=latest');
  });

  it('uses the platform WebSocket when none is given', async () => {
    const fake = fakeWebSockets();
    vi.stubGlobal('WebSocket', fake.WebSocket);
    try {
      const client = new RealtimeClient({ url: URL, warn: () => undefined });
      client.subscribe([TOPIC]);
      await tick();
      expect(fake.sockets.map((socket) => socket.url)).toEqual([URL]);
      client.close();
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('subscribes after the welcome, resuming from the position the caller read at', async () => {
    const { client, last } = setup();
    const states: string[] = [];
    client.onStateChange((state) => states.push(state));
    client.subscribe([TOPIC, 'catalog'], { seq: 42 });
    await tick();
    expect(last().sent).toEqual([]);
    last().welcome();
    expect(client.state).toBe('connected');
    expect(states).toEqual(['connecting', 'connected']);
    expect(last().sent).toEqual([{ type: 'subscribe', topics: [TOPIC, 'catalog'], since: 42 }]);
  });

  it('shares one socket and one subscription among holders (ref-counted)', async () => {
    const { client, sockets, last } = setup();
    client.subscribe([TOPIC], { seq: 5 });
    await tick();
    last().welcome();
    const releaseA = client.subscribe([TOPIC], { seq: 5 });
    const releaseB = client.subscribe([TOPIC], { seq: 5 });
    await tick();
    expect(sockets).toHaveLength(1);
    expect(last().sent.filter((m) => m.type === 'subscribe')).toHaveLength(1);
    releaseA();
    releaseA();
    releaseB();
    await tick();
    expect(last().sent.some((m) => m.type === 'unsubscribe')).toBe(false);
  });

  it('unsubscribes when the last holder goes, and sends nothing for a same-tick release and re-subscribe', async () => {
    const { client, last } = setup();
    const release = client.subscribe([TOPIC], { seq: 5 });
    await tick();
    last().welcome();
    release();
    client.subscribe([TOPIC], { seq: 5 });
    await tick();
    expect(last().sent).toHaveLength(1);
    const releaseAll = client.subscribe(['category:home'], { seq: 7 });
    await tick();
    expect(last().sent.at(-1)).toEqual({ type: 'subscribe', topics: ['category:home'], since: 7 });
    releaseAll();
    await tick();
    expect(last().sent.at(-1)).toEqual({ type: 'unsubscribe', topics: ['category:home'] });
  });
});

describe('RealtimeClient events', () => {
  async function connected() {
    const ctx = setup();
    ctx.client.subscribe([TOPIC], { seq: 1 });
    await tick();
    ctx.last().welcome();
    return ctx;
  }

  it('delivers each seq once, from events and batches alike', async () => {
    const { client, last } = await connected();
    const seen: number[] = [];
    client.onEvent((event) => seen.push(event.seq));
    const event = updated(2, { ...P, version: 2 });
    last().serverSends({ type: 'event', event });
    last().serverSends({ type: 'batch', events: [event, updated(3, { ...P, version: 3 })] });
    expect(seen).toEqual([2, 3]);
  });

  it('ignores frames that do not follow the protocol', async () => {
    const { client, last, warnings } = await connected();
    const seen = vi.fn();
    client.onEvent(seen);
    last().receiveRaw('not json');
    last().receiveRaw(JSON.stringify({ type: 'event', event: { seq: 'x' } }));
    expect(warnings).toEqual(['realtime sent a frame that is not JSON', 'realtime sent an unexpected message']);
    expect(seen).not.toHaveBeenCalled();
  });
});

describe('RealtimeClient and a newer server', () => {
  it('passes over events of a type it does not know, keeping the known ones of the same batch and resuming past them', async () => {
    const { client, sockets, last, warnings } = setup();
    const seen: number[] = [];
    client.onEvent((event) => seen.push(event.seq));
    client.subscribe([TOPIC], { seq: 1 });
    await tick();
    last().welcome();
    // A type added in a later minor version of the protocol: the client must not lose the batch for it.
    const newer = { seq: 3, type: 'product.reviewed', topics: [TOPIC, 'catalog'], data: { stars: 5 }, occurredAt: '2026-12-06T10:00:00.000Z' };
    const send = (frame: unknown) => last().receiveRaw(JSON.stringify(frame));
    send({ type: 'batch', events: [updated(2, { ...P, version: 2 }), newer, updated(4, { ...P, version: 3 })] });
    send({ type: 'event', event: { ...newer, seq: 5 } });
    send({ type: 'event', event: newer });
    expect(seen).toEqual([2, 4]);
    expect(warnings).toEqual(['realtime sent events of type product.reviewed, which this client does not know (a newer server?); passing over them']);
    last().serverCloses(1001);
    await tick(188);
    expect(sockets).toHaveLength(2);
    last().welcome();
    expect(last().sent).toEqual([{ type: 'subscribe', topics: [TOPIC], since: 5 }]);
  });

  it('still refuses a batch whose events lack what every event has', async () => {
    const { client, last, warnings } = setup();
    const seen = vi.fn();
    client.onEvent(seen);
    client.subscribe([TOPIC]);
    await tick();
    last().welcome();
    last().receiveRaw(JSON.stringify({ type: 'batch', events: [updated(2, { ...P, version: 2 }), { type: 'product.reviewed', topics: [TOPIC] }] }));
    expect(seen).not.toHaveBeenCalled();
    expect(warnings).toEqual(['realtime sent an unexpected message']);
  });
});

describe('RealtimeClient reconnect and resume', () => {
  it('reconnects with jittered backoff after the server goes away and resumes from the last applied seq', async () => {
    const { client, sockets, last } = setup();
    client.subscribe([TOPIC], { seq: 1 });
    await tick();
    last().welcome();
    last().serverSends({ type: 'subscribed', topics: [TOPIC], seq: 3, replayed: 0 });
    last().serverSends({ type: 'event', event: updated(7, { ...P, version: 2 }) });
    last().serverCloses(1001);
    expect(client.state).toBe('reconnecting');
    await tick(100);
    expect(sockets).toHaveLength(1);
    await tick(88); // first step: 250 ms ceiling, half fixed + half jittered (random = 0.5) → 188 ms
    expect(sockets).toHaveLength(2);
    last().welcome();
    expect(client.state).toBe('connected');
    expect(last().sent).toEqual([{ type: 'subscribe', topics: [TOPIC], since: 7 }]);
  });

  it('backs off further after each failed attempt, spread by the jitter, and starts over once welcomed', async () => {
    const { client, sockets, last } = setup({ random: () => 0 });
    client.subscribe([TOPIC], { seq: 1 });
    await tick();
    last().serverCloses(1006);
    await tick(124);
    expect(sockets).toHaveLength(1);
    await tick(1); // 250 / 2, nothing of the random half
    expect(sockets).toHaveLength(2);
    last().serverCloses(1006);
    await tick(249);
    expect(sockets).toHaveLength(2);
    await tick(1);
    expect(sockets).toHaveLength(3);
    last().welcome();
    last().serverCloses(4000);
    await tick(125);
    expect(sockets).toHaveLength(4);
  });

  it('waits at least 15 s when the server closes with 4429 (rate limited)', async () => {
    const { client, sockets, last } = setup();
    client.subscribe([TOPIC], { seq: 1 });
    await tick();
    last().welcome();
    last().serverCloses(4429);
    await tick(14_999);
    expect(sockets).toHaveLength(1);
    await tick(1);
    expect(sockets).toHaveLength(2);
  });

  it('stops retrying while offline and reconnects when back online', async () => {
    const { client, sockets, last } = setup();
    client.subscribe([TOPIC], { seq: 1 });
    await tick();
    last().welcome();
    client.setOnline(false);
    expect(client.state).toBe('offline');
    expect(sockets[0]?.closedByClient).toBe(true);
    await tick(60_000);
    expect(sockets).toHaveLength(1);
    client.setOnline(true);
    expect(sockets).toHaveLength(2);
    expect(client.state).toBe('reconnecting');
  });

  it('on a reset within one history, tells reset and refetch listeners at once and resumes from the new seq', async () => {
    const { client, sockets, last } = setup();
    const resets: RealtimeReset[] = [];
    const refetched: string[][] = [];
    client.onReset((reset) => resets.push(reset));
    client.onRefetch((topics) => refetched.push(topics));
    client.subscribe(['catalog'], { seq: 1 });
    await tick();
    last().welcome();
    last().serverSends({ type: 'reset', topics: ['catalog'], seq: 500, reason: 'history_trimmed' });
    expect(resets).toEqual([{ topics: ['catalog'], seq: 500, epoch: undefined, reason: 'history_trimmed', epochChanged: false }]);
    expect(refetched).toEqual([['catalog']]);
    last().serverCloses(1001);
    await tick(1_000);
    expect(sockets).toHaveLength(2);
    last().welcome();
    expect(last().sent).toEqual([{ type: 'subscribe', topics: ['catalog'], since: 500 }]);
  });

  it('on a reset into a new epoch, forgets the seqs of the old one, drops its late events and resumes in the new one', async () => {
    const { client, sockets, last } = setup();
    const versions: number[] = [];
    client.onEvent((event) => versions.push(event.type === 'product.deleted' ? -1 : event.data.version));
    client.subscribe([TOPIC], { seq: 1 });
    await tick();
    last().welcome();
    last().serverSends({ type: 'subscribed', topics: [TOPIC], seq: 1_000, epoch: OLD_EPOCH, replayed: 0 });
    last().serverSends({ type: 'event', event: { ...updated(1_118, { ...P, version: 2 }), epoch: OLD_EPOCH } });
    last().serverSends({ type: 'reset', topics: [TOPIC], seq: 800, epoch: NEW_EPOCH, reason: 'epoch_changed' });
    expect(client.epoch).toBe(NEW_EPOCH);
    // The same seq in the new history is another event; a late one of the old history is not applied.
    last().serverSends({ type: 'event', event: { ...updated(1_118, { ...P, version: 5 }), epoch: NEW_EPOCH } });
    last().serverSends({ type: 'event', event: { ...updated(1_119, { ...P, version: 9 }), epoch: OLD_EPOCH } });
    expect(versions).toEqual([2, 5]);
    last().serverCloses(1001);
    await tick(1_000);
    expect(sockets).toHaveLength(2);
    last().welcome();
    expect(last().sent).toEqual([{ type: 'subscribe', topics: [TOPIC], since: 1_118, epoch: NEW_EPOCH }]);
  });

  it('after a reset into a new epoch, asks for the refetch a random part of the spread later, once, unless the epoch changed again', async () => {
    const { client, last } = setup({ epochRefetchSpreadMs: 1_000 });
    const refetched: string[][] = [];
    const resets: boolean[] = [];
    client.onRefetch((topics) => refetched.push(topics));
    client.onReset((reset) => resets.push(reset.epochChanged));
    client.subscribe([TOPIC], { seq: 1, epoch: OLD_EPOCH });
    await tick();
    last().welcome();
    last().serverSends({ type: 'reset', topics: [TOPIC], seq: 800, epoch: NEW_EPOCH, reason: 'epoch_changed' });
    expect(resets).toEqual([true]);
    await tick(499);
    expect(refetched).toEqual([]);
    await tick(1);
    expect(refetched).toEqual([[TOPIC]]);
    const third = '2b6f1e2a-3c4d-4e5f-8a9b-0c1d2e3f4a5b';
    last().serverSends({ type: 'reset', topics: [TOPIC], seq: 900, epoch: OLD_EPOCH, reason: 'epoch_changed' });
    await tick(100);
    last().serverSends({ type: 'reset', topics: [TOPIC], seq: 50, epoch: third, reason: 'epoch_changed' });
    await tick(1_000);
    expect(refetched).toEqual([[TOPIC], [TOPIC]]);
  });

  it('never sends a since of another epoch: a welcome naming a new one resets every topic to its seq', async () => {
    const { client, sockets, last } = setup();
    const resets: RealtimeReset[] = [];
    client.onReset((reset) => resets.push(reset));
    client.subscribe([TOPIC], { seq: 40, epoch: OLD_EPOCH });
    await tick();
    last().welcome({ seq: 40, epoch: OLD_EPOCH });
    expect(last().sent).toEqual([{ type: 'subscribe', topics: [TOPIC], since: 40, epoch: OLD_EPOCH }]);
    last().serverSends({ type: 'event', event: { ...updated(41, { ...P, version: 2 }), epoch: OLD_EPOCH } });
    last().serverCloses(1001);
    await tick(1_000);
    expect(sockets).toHaveLength(2);
    last().welcome({ seq: 7, epoch: NEW_EPOCH });
    expect(resets).toEqual([{ topics: [TOPIC], seq: 7, epoch: NEW_EPOCH, reason: 'epoch_changed', epochChanged: true }]);
    expect(last().sent).toEqual([{ type: 'subscribe', topics: [TOPIC], since: 7, epoch: NEW_EPOCH }]);
  });

  it('does not resume from a caller position of another history than its own: live from now, and a refetch', async () => {
    const { client, last } = setup();
    const refetched: string[][] = [];
    client.onRefetch((topics) => refetched.push(topics));
    client.subscribe([TOPIC], { seq: 40, epoch: OLD_EPOCH });
    await tick();
    last().welcome();
    const other = `product:${product({ id: '00000000-0000-4000-8000-000000000002' }).id}` as const;
    client.subscribe([other], { seq: 7, epoch: NEW_EPOCH });
    await tick();
    expect(last().sent.at(-1)).toEqual({ type: 'subscribe', topics: [other] });
    expect(refetched).toEqual([[other]]);
  });
});

describe('RealtimeClient silence and handshake timeout', () => {
  async function welcomed(extra: Partial<RealtimeClientOptions> = {}) {
    const ctx = setup(extra);
    ctx.client.subscribe([TOPIC], { seq: 1 });
    await tick();
    ctx.last().welcome();
    return ctx;
  }

  it('pings a quiet connection, and replaces it within the window when nothing answers, resuming from the last seq', async () => {
    const { client, sockets, last, warnings } = await welcomed({ silenceMs: 10_000 });
    last().serverSends({ type: 'event', event: updated(7, { ...P, version: 2 }) });
    await tick(3_999);
    expect(last().sent.some((m) => m.type === 'ping')).toBe(false);
    await tick(1_000);
    expect(last().sent.at(-1)).toEqual({ type: 'ping' });
    expect(client.state).toBe('connected');
    await tick(4_999);
    expect(sockets[0]?.closedByClient).toBe(true);
    expect(client.state).toBe('reconnecting');
    expect(warnings).toContain('realtime connection silent; reconnecting');
    await tick(250);
    expect(sockets).toHaveLength(2);
    last().welcome();
    expect(last().sent).toEqual([{ type: 'subscribe', topics: [TOPIC], since: 7 }]);
  });

  it('keeps a quiet connection that answers its pings, however long nothing happens', async () => {
    const { client, sockets, last } = await welcomed({ silenceMs: 10_000 });
    for (let second = 0; second < 120; second++) {
      await tick(1_000);
      if (last().sent.at(-1)?.type === 'ping') {
        last().sent.length = 0;
        last().serverSends({ type: 'pong', ts: 0 });
      }
    }
    expect(sockets).toHaveLength(1);
    expect(sockets[0]?.closedByClient).toBe(false);
    expect(client.state).toBe('connected');
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
    const { client, sockets, last } = await welcomed({ silenceMs: 10_000 });
    vi.setSystemTime(Date.now() + 60_000);
    await tick(1_000);
    expect(last().sent.at(-1)).toEqual({ type: 'ping' });
    expect(client.state).toBe('connected');
    await tick(3_000);
    last().serverSends({ type: 'pong', ts: 0 });
    await tick(3_000);
    expect(sockets).toHaveLength(1);
    expect(client.state).toBe('connected');
  });

  it('abandons a handshake that gets no welcome in time and retries with backoff', async () => {
    const { client, sockets, last, warnings } = setup({ handshakeTimeoutMs: 5_000 });
    client.subscribe([TOPIC], { seq: 1 });
    await tick();
    await tick(4_999);
    expect(sockets[0]?.closedByClient).toBe(false);
    await tick(1);
    expect(sockets[0]?.closedByClient).toBe(true);
    expect(warnings).toContain('realtime handshake timed out; retrying');
    expect(client.state).toBe('reconnecting');
    await tick(188);
    expect(sockets).toHaveLength(2);
    last().welcome();
    expect(client.state).toBe('connected');
    await tick(6_000);
    expect(last().closedByClient).toBe(false);
    expect(last().sent).toEqual([{ type: 'subscribe', topics: [TOPIC], since: 1 }, { type: 'ping' }]);
  });
});

describe('RealtimeClient private topics', () => {
  it('subscribes private topics each with a token of its own, public ones without', async () => {
    const { client, last, minted } = setup();
    client.subscribe([TOPIC, ORDER, CART], { seq: 7 });
    await tick();
    last().welcome();
    await tick();
    expect(minted).toEqual([[ORDER], [CART]]);
    expect(last().sent).toEqual([
      { type: 'subscribe', topics: [TOPIC], since: 7 },
      { type: 'subscribe', topics: [ORDER], since: 7, token: 'token-1', id: 'private-1' },
      { type: 'subscribe', topics: [CART], since: 7, token: 'token-2', id: 'private-2' },
    ]);
  });

  it('mints a fresh token on reconnect and resumes from the last applied seq', async () => {
    const { client, last, minted, sockets } = setup();
    client.subscribe([ORDER], { seq: 7 });
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
    expect(last().sent).toEqual([{ type: 'subscribe', topics: [ORDER], since: 9, token: 'token-2', id: 'private-2' }]);
  });

  it('follows again with a fresh token when the server ends a subscription at its token expiry', async () => {
    const { client, last, minted } = setup();
    client.subscribe([ORDER], { seq: 7 });
    await tick();
    last().welcome();
    await tick();
    last().serverSends({ type: 'event', event: { ...updated(12, P), topics: [ORDER] } });
    last().serverSends({ type: 'unsubscribed', topics: [ORDER], reason: 'token_expired' });
    await tick();
    expect(minted).toHaveLength(2);
    expect(last().sent.at(-1)).toEqual({ type: 'subscribe', topics: [ORDER], since: 12, token: 'token-2', id: 'private-2' });
  });

  it('asks again on the next connection when no token could be had, and never subscribes without one', async () => {
    let refuse = true;
    const { client, last, sockets, warnings } = setup({
      tokenFor: async () => {
        if (refuse) throw new Error('403');
        return 'granted';
      },
    });
    client.subscribe([ORDER], { seq: 7 });
    await tick();
    last().welcome();
    await tick();
    expect(last().sent).toEqual([]);
    expect(warnings).toContain(`no realtime token for ${ORDER}`);
    refuse = false;
    last().serverCloses(1001);
    await tick(300);
    expect(sockets).toHaveLength(2);
    last().welcome();
    await tick();
    expect(last().sent).toEqual([{ type: 'subscribe', topics: [ORDER], since: 7, token: 'granted', id: 'private-1' }]);
  });

  it('mints again and resends a subscribe whose token the server refused, a few times in a row at most, and says so', async () => {
    const { client, last, minted } = setup();
    const errors: RealtimeError[] = [];
    client.onError((error) => errors.push(error));
    client.subscribe([ORDER, CART], { seq: 7 });
    await tick();
    last().welcome();
    await tick();
    const idOf = (topic: string) => (last().sent as Array<{ topics: string[]; id?: string }>).findLast((message) => message.topics.includes(topic))?.id;
    // The cart's subscribe goes through; the order's token is refused each time.
    last().serverSends({ type: 'subscribed', topics: [CART], seq: 7, replayed: 0, id: idOf(CART) });
    for (let refusal = 1; refusal <= MAX_TOKEN_REFUSALS; refusal++) {
      last().serverSends({ type: 'error', code: 'token_expired', message: 'the token expired', id: idOf(ORDER) });
      await tick(1_000);
    }
    expect(minted).toEqual([[ORDER], [CART], [ORDER], [ORDER]]);
    expect(last().sent.filter((message) => (message as { topics: string[] }).topics.includes(ORDER))).toHaveLength(MAX_TOKEN_REFUSALS);
    expect(errors.map(({ code, topics, retrying }) => ({ code, topics, retrying }))).toEqual([
      { code: 'token_expired', topics: [ORDER], retrying: true },
      { code: 'token_expired', topics: [ORDER], retrying: true },
      { code: 'token_expired', topics: [ORDER], retrying: false },
    ]);
    // A new connection asks again, and counts refusals from zero.
    last().serverCloses(1001);
    await tick(300);
    last().welcome();
    await tick();
    last().serverSends({ type: 'error', code: 'token_expired', message: 'the token expired', id: idOf(ORDER) });
    expect(errors.at(-1)).toMatchObject({ topics: [ORDER], retrying: true });
  });

  it('does not ask again for a topic the token does not grant, and tells error listeners which one', async () => {
    const { client, last, minted, warnings } = setup();
    const errors: RealtimeError[] = [];
    client.onError((error) => errors.push(error));
    client.subscribe([ORDER], { seq: 7 });
    await tick();
    last().welcome();
    await tick();
    last().serverSends({ type: 'error', code: 'topic_forbidden', message: 'the token does not grant this topic', id: 'private-1' });
    // An error that names no subscribe of ours (or one already answered) concerns no topic.
    last().serverSends({ type: 'error', code: 'bad_message', message: 'not a message', id: 'private-1' });
    await tick(3_000);
    expect(minted).toHaveLength(1);
    expect(errors).toEqual([
      { code: 'topic_forbidden', message: 'the token does not grant this topic', topics: [ORDER], retrying: false },
      { code: 'bad_message', message: 'not a message', topics: [], retrying: false },
    ]);
    expect(warnings).toContain(`realtime error topic_forbidden: the token does not grant this topic (${ORDER})`);
  });

  it('hands an order event to private listeners (once), validated, never to the catalog listeners', async () => {
    const { client, last } = setup();
    const orders: unknown[] = [];
    const catalog: LivecartEvent[] = [];
    client.onPrivateEvent((event) => orders.push(event.data));
    client.onEvent((event) => catalog.push(event));
    client.subscribe([ORDER], { seq: 7 });
    await tick();
    last().welcome();
    await tick();
    const event = orderPaid(8, ORDER.slice('order:'.length), P);
    const order = event.data;
    last().receiveRaw(JSON.stringify({ type: 'event', event }));
    last().receiveRaw(JSON.stringify({ type: 'batch', events: [event] }));
    last().receiveRaw(JSON.stringify({ type: 'event', event: { ...event, seq: 9, data: { ...order, totalMinor: 'free' } } }));
    expect(orders).toEqual([order]);
    expect(catalog).toEqual([]);
  });
});
