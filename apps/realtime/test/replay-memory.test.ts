import { clearRedisPrefix, testRedisPrefix } from '@livecart/local-services/testing';
import type { LivecartEvent } from '@livecart/schemas';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { startApp, type RunningApp } from './support/app.js';
import { TestClient } from './support/client.js';
import { productId, productUpdated } from './support/events.js';
import { TestPublisher } from './support/publisher.js';

const WINDOW = 50;
const EPOCH_A = '5d2c1f4e-7a0b-4c1d-9e2f-00000000000a';
const EPOCH_B = '5d2c1f4e-7a0b-4c1d-9e2f-00000000000b';

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function history(label: string) {
  const redisUrl = inject('redisUrl');
  const prefix = testRedisPrefix(label);
  const publisher = new TestPublisher(redisUrl, prefix);
  cleanups.push(() => clearRedisPrefix(redisUrl, prefix), () => publisher.close());
  const start = async (memoryEvents: number, env: Record<string, string> = {}) => {
    const server = await startApp({ redisUrl, prefix, env: { WS_REPLAY_MEMORY_EVENTS: String(memoryEvents), ...env } });
    cleanups.push(() => server.close());
    return server;
  };
  return { publisher, start };
}

/** A fresh client of `server` that resumed `topics` from `since`: every message it got up to `subscribed`. */
async function resume(server: RunningApp, topics: string[], since: number, options: { epoch?: string; msgpack?: boolean } = {}) {
  const client = await TestClient.connect(server.wsUrl, { msgpack: options.msgpack ?? false });
  cleanups.push(async () => client.ws.terminate());
  await client.waitForType('welcome');
  client.send({ type: 'subscribe', topics, since, id: 'r', ...(options.epoch === undefined ? {} : { epoch: options.epoch }) });
  await client.waitForType('subscribed');
  return { messages: client.messages.filter((message) => message.type !== 'welcome'), events: client.events };
}

/** `realtime_replay_events_read_total` by source, as /metrics exposes it. */
async function readFrom(server: RunningApp): Promise<{ memory: number; stream: number }> {
  const text = await (await fetch(`${server.httpUrl}/metrics`)).text();
  const value = (source: string) => {
    const line = text.split('\n').find((row) => row.startsWith('realtime_replay_events_read_total{') && row.includes(`source="${source}"`));
    return Number(line?.split(' ').at(-1) ?? 0);
  };
  return { memory: value('memory'), stream: value('stream') };
}

async function counted<T>(server: RunningApp, run: () => Promise<T>): Promise<{ result: T; read: { memory: number; stream: number } }> {
  const before = await readFrom(server);
  const result = await run();
  const after = await readFrom(server);
  return { result, read: { memory: after.memory - before.memory, stream: after.stream - before.stream } };
}

const caughtUp = async (publisher: TestPublisher, ...servers: RunningApp[]) => {
  for (const server of servers) await expect.poll(() => server.app.liveFeed.hub.seq).toBe(publisher.lastSeq);
};

describe('replay from the recent-events window', () => {
  it('serves a resume the window covers from memory, with exactly what the stream gives; one reaching further back from the stream', async () => {
    const { publisher, start } = await history('realtime-replay-memory');
    const windowed = await start(WINDOW);
    const streamOnly = await start(0);
    const topic = `product:${productId(1)}`;
    await publisher.publishBurst(120, (seq) => productUpdated(seq, { id: productId(1 + (seq % 3)) }));
    await caughtUp(publisher, windowed, streamOnly);
    // The window has wrapped around: it holds 71..120.
    expect([windowed.app.liveFeed.recentEvents.firstSeq, windowed.app.liveFeed.recentEvents.lastSeq]).toEqual([71, 120]);

    // 80: well inside. 70: the window's first event is the first one missed.
    for (const since of [80, 70]) {
      const fromMemory = await counted(windowed, () => resume(windowed, [topic, 'category:kitchen'], since));
      const fromStream = await counted(streamOnly, () => resume(streamOnly, [topic, 'category:kitchen'], since));
      expect(fromMemory.read).toEqual({ memory: 120 - since, stream: 0 });
      expect(fromStream.read).toEqual({ memory: 0, stream: 120 - since });
      expect(fromMemory.result.messages).toEqual(fromStream.result.messages);
      expect(fromMemory.result.events.map((event) => event.seq)).toEqual(Array.from({ length: 120 - since }, (_, i) => since + 1 + i));
    }
    const msgpack = await counted(windowed, () => resume(windowed, [topic], 90, { msgpack: true }));
    expect(msgpack.read).toEqual({ memory: 30, stream: 0 });
    expect(msgpack.result.events).toEqual((await resume(streamOnly, [topic], 90)).events);
    expect(msgpack.result.events).toHaveLength(10);

    // 69: seq 70 is missed too, and the window starts at 71.
    const fromMemory = await counted(windowed, () => resume(windowed, [topic], 69));
    const fromStream = await resume(streamOnly, [topic], 69);
    expect(fromMemory.read).toEqual({ memory: 0, stream: 51 });
    expect(fromMemory.result.messages).toEqual(fromStream.messages);
    expect(fromMemory.result.events).toHaveLength(17);
  });

  it('joins the live feed with no gap and no duplicate when events are published during a replay that moves from the stream to memory', async () => {
    const { publisher, start } = await history('realtime-replay-memory-live');
    const server = await start(1000);
    await publisher.publishBurst(3000);
    await caughtUp(publisher, server);
    const since = publisher.lastSeq - 2500;

    const client = await TestClient.connect(server.wsUrl);
    cleanups.push(async () => client.ws.terminate());
    await client.waitForType('welcome');
    const publishedAt = new Map<number, number>();
    const during = (async () => {
      for (let i = 0; i < 60; i++) {
        for (const event of await publisher.publishBurst(10)) publishedAt.set(event.seq, performance.now());
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 5));
    // The oldest pages come from the stream; while they are read, live events move the window on past
    // the replay's end. The newest pages come from the window, and must stop where the replay ends.
    const { result: subscribed, read } = await counted(server, () => client.subscribe(['catalog'], since));
    const subscribedAt = performance.now();
    await during;

    await client.waitForEvents(publisher.lastSeq - since, 10_000);
    expect(client.events.map((event) => event.seq)).toEqual(Array.from({ length: publisher.lastSeq - since }, (_, i) => since + 1 + i));
    expect(subscribed.replayed).toBe(subscribed.seq - since);
    expect(read.stream).toBeGreaterThanOrEqual(1500);
    expect(read.memory).toBeGreaterThan(0);
    expect(read.memory + read.stream).toBe(subscribed.seq - since);
    const heldDuringReplay = [...publishedAt].filter(([seq, at]) => seq > subscribed.seq && at < subscribedAt);
    expect(heldDuringReplay.length).toBeGreaterThan(0);
  });

  it('forgets the old history when a new epoch begins, even one whose seqs go on from the same point', async () => {
    const { publisher, start } = await history('realtime-replay-memory-epoch');
    const server = await start(WINDOW);
    const { hub, recentEvents } = server.app.liveFeed;
    const inEpoch = (epoch: string) => (seq: number): LivecartEvent => ({ ...productUpdated(seq), epoch });

    await publisher.beginEpoch({ id: EPOCH_A, base: 0 });
    await expect.poll(() => hub.epoch).toBe(EPOCH_A);
    const old = await publisher.publishBurst(20, inEpoch(EPOCH_A));
    await caughtUp(publisher, server);
    const before = await counted(server, () => resume(server, ['catalog'], 15, { epoch: EPOCH_A }));
    expect(before.read).toEqual({ memory: 5, stream: 0 });
    expect(before.result.events).toEqual(old.slice(15));

    await publisher.beginEpoch({ id: EPOCH_B, base: 20 });
    await expect.poll(() => hub.epoch).toBe(EPOCH_B);
    expect(recentEvents.size).toBe(0);
    const fresh = await publisher.publishBurst(5, inEpoch(EPOCH_B));
    await caughtUp(publisher, server);

    // A since of no stated epoch is taken as the current one's: B's history starts after 20, so 16..20 are not to be had.
    const stale = await resume(server, ['catalog'], 15);
    expect(stale.events).toEqual([]);
    expect(stale.messages[0]).toMatchObject({ type: 'reset', reason: 'history_trimmed', seq: 25, epoch: EPOCH_B });

    const current = await counted(server, () => resume(server, ['catalog'], 20, { epoch: EPOCH_B }));
    expect(current.read).toEqual({ memory: 5, stream: 0 });
    expect(current.result.events).toEqual(fresh);
  });
});
