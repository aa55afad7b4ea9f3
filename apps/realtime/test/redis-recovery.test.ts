import { clearRedisPrefix, testRedisPrefix } from '@livecart/local-services/testing';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { startApp, type RunningApp } from './support/app.js';
import { TestClient } from './support/client.js';
import { PrivateRedis } from './support/private-redis.js';
import { TestPublisher } from './support/publisher.js';

const cleanups: (() => Promise<void>)[] = [];

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

async function subscribedClient(server: RunningApp): Promise<TestClient> {
  const client = await TestClient.connect(server.wsUrl);
  cleanups.push(async () => client.ws.terminate());
  await client.subscribe(['catalog']);
  return client;
}

describe('event subscription recovery', () => {
  it('catches up from the stream after its subscriber connection was away', async () => {
    const redisUrl = inject('redisUrl');
    const prefix = testRedisPrefix('realtime-recovery');
    const publisher = new TestPublisher(redisUrl, prefix);
    const server = await startApp({ redisUrl, prefix });
    cleanups.push(() => publisher.close(), () => server.close(), () => clearRedisPrefix(redisUrl, prefix));
    const client = await subscribedClient(server);
    await publisher.publishMany(3);
    await client.waitForEvents(3);

    const subscriber = server.app.redisSubscriber;
    subscriber.disconnect();
    await expect.poll(() => server.app.liveFeed.source.ready).toBe(false);
    // Published while nobody listened: only the stream has them.
    await publisher.publishMany(4);
    expect((await fetch(`${server.httpUrl}/ready`)).status).toBe(503);
    await subscriber.connect();

    await client.waitForEvents(7);
    expect(client.events.map((e) => e.seq)).toEqual(range(1, 7));
    expect(server.app.liveFeed.sequencer.stats.recovered).toBe(4);
    await publisher.publish();
    await client.waitForEvents(8);
    expect((await fetch(`${server.httpUrl}/ready`)).status).toBe(200);
  });

  it('survives a Redis restart: reconnects, resubscribes and delivers what was published meanwhile, in order', async () => {
    const redis = await PrivateRedis.start();
    cleanups.push(() => redis.stop());
    const prefix = 'livecart';
    const server = await startApp({ redisUrl: redis.url, prefix });
    cleanups.push(() => server.close());
    const client = await subscribedClient(server);
    let publisher = new TestPublisher(redis.url, prefix);
    await publisher.publishMany(5);
    await client.waitForEvents(5);
    await publisher.close();

    await redis.down();
    await expect.poll(() => server.app.liveFeed.source.ready).toBe(false);
    await redis.up();
    // A relay carrying on after the restart: seq goes on from 5. The first PUBLISHes may go nowhere (the
    // instance is still reconnecting); model that by writing them to the stream only. The last one arrives.
    publisher = new TestPublisher(redis.url, prefix, { lastSeq: 5 });
    cleanups.push(() => publisher.close());
    await publisher.publishMany(3, undefined, { skipPublish: true });
    await expect.poll(() => server.app.liveFeed.source.ready, { timeout: 10_000 }).toBe(true);
    await publisher.publish();

    await client.waitForEvents(9, 10_000);
    expect(client.events.map((e) => e.seq)).toEqual(range(1, 9));
  });

  /** A server that delivered events 1..5, then a Redis that holds every command for 3 s; a client resumes from 1. */
  async function resumeWhileRedisStalls(replayMemoryEvents: number) {
    const redis = await PrivateRedis.start();
    cleanups.push(() => redis.stop());
    const prefix = 'livecart';
    const server = await startApp({
      redisUrl: redis.url,
      prefix,
      env: { REDIS_COMMAND_TIMEOUT_MS: '300', WS_REPLAY_MEMORY_EVENTS: String(replayMemoryEvents) },
    });
    cleanups.push(() => server.close());
    const publisher = new TestPublisher(redis.url, prefix);
    cleanups.push(() => publisher.close());
    const live = await subscribedClient(server);
    await publisher.publishMany(5);
    await live.waitForEvents(5);

    const pauser = new Redis(redis.url);
    cleanups.push(async () => void pauser.disconnect());
    // A replay that waited for Redis would answer only after 3 s.
    await pauser.client('PAUSE', 3_000, 'ALL');
    const started = Date.now();
    const resuming = await TestClient.connect(server.wsUrl);
    cleanups.push(async () => resuming.ws.terminate());
    const subscribed = await resuming.subscribe(['catalog'], 1);
    return { resuming, subscribed, elapsedMs: Date.now() - started };
  }

  it('answers a resume with a reset instead of waiting while Redis does not answer its stream reads', async () => {
    const { resuming, subscribed, elapsedMs } = await resumeWhileRedisStalls(0);
    expect(elapsedMs).toBeLessThan(2_000);
    expect(resuming.messages.find((message) => message.type === 'reset')).toMatchObject({ reason: 'replay_failed', seq: 5 });
    expect(subscribed.seq).toBe(5);
  });

  it('replays a resume the recent-events window covers while Redis does not answer', async () => {
    const { resuming, subscribed, elapsedMs } = await resumeWhileRedisStalls(100);
    expect(elapsedMs).toBeLessThan(2_000);
    expect(resuming.messages.some((message) => message.type === 'reset')).toBe(false);
    expect(subscribed).toMatchObject({ seq: 5, replayed: 4 });
    expect(resuming.events.map((event) => event.seq)).toEqual([2, 3, 4, 5]);
  });
});
