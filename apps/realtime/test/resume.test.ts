import { describe, expect, it } from 'vitest';
import { type TestClient } from './support/client.js';
import { useServerFixture } from './support/fixture.js';
import { productId, productUpdated } from './support/events.js';

// Replays here read the Redis Stream; replay-memory.test.ts runs them from the recent-events window.
const fixture = useServerFixture('realtime-resume', { WS_REPLAY_MEMORY_EVENTS: '0' });

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const seqs = (client: TestClient) => client.events.map((event) => event.seq);
const forProduct = (n: number) => (seq: number) => productUpdated(seq, { id: productId(n), topics: [`product:${productId(n)}`, 'catalog'] });

describe('resume with since', () => {
  it('replays exactly the missed events of the requested topics, then goes live', async () => {
    const topic = `product:${productId(1)}`;
    const first = await fixture.connect();
    await first.subscribe([topic]);
    const seen = await fixture.publisher.publish(forProduct(1));
    await first.waitForEvents(1);
    first.ws.terminate();

    const missed = [];
    for (let i = 0; i < 10; i++) {
      missed.push(await fixture.publisher.publish(forProduct(1)));
      await fixture.publisher.publish(forProduct(2));
    }
    await expect.poll(() => fixture.server.app.liveFeed.hub.seq).toBe(fixture.publisher.lastSeq);

    const again = await fixture.connect({ msgpack: true });
    const subscribed = await again.subscribe([topic], seen.seq);
    expect(subscribed).toMatchObject({ seq: fixture.publisher.lastSeq, replayed: 10 });
    expect(again.events).toEqual(missed);
    const live = await fixture.publisher.publish(forProduct(1));
    await again.waitForEvents(11);
    expect(again.events.at(-1)).toEqual(live);
  });

  it('joins the live feed with no gap and no duplicate when events are published during the replay', async () => {
    await fixture.publisher.publishBurst(3000);
    await expect.poll(() => fixture.server.app.liveFeed.hub.seq).toBe(fixture.publisher.lastSeq);
    const since = fixture.publisher.lastSeq - 2500;

    const client = await fixture.connect();
    const publishedAt = new Map<number, number>();
    let publishing = true;
    const during = (async () => {
      for (let i = 0; i < 60; i++) {
        for (const event of await fixture.publisher.publishBurst(10)) publishedAt.set(event.seq, performance.now());
      }
      publishing = false;
    })();
    // Let the concurrent publishing get going, then resume.
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(publishing).toBe(true);
    const subscribed = await client.subscribe(['catalog'], since);
    const subscribedAt = performance.now();
    await during;

    await client.waitForEvents(fixture.publisher.lastSeq - since, 10_000);
    expect(seqs(client)).toEqual(range(since + 1, fixture.publisher.lastSeq));
    expect(subscribed.replayed).toBe(subscribed.seq - since);
    // Some events went out live while the replay was still running: they were held, not lost or doubled.
    const heldDuringReplay = [...publishedAt].filter(([seq, at]) => seq > subscribed.seq && at < subscribedAt);
    expect(heldDuringReplay.length).toBeGreaterThan(0);
  });

  it('sends reset (with the current seq) when the stream no longer holds the events after since', async () => {
    const before = await fixture.publisher.publishMany(5, forProduct(3));
    await fixture.publisher.trimThrough(before[2]!.seq);
    await expect.poll(() => fixture.server.app.liveFeed.hub.seq).toBe(fixture.publisher.lastSeq);

    const client = await fixture.connect();
    client.send({ type: 'subscribe', topics: [`product:${productId(3)}`], since: before[0]!.seq, id: 'r1' });
    const reset = await client.waitForType('reset');
    expect(reset).toEqual({ type: 'reset', topics: [`product:${productId(3)}`], seq: fixture.publisher.lastSeq, reason: 'history_trimmed', id: 'r1' });
    expect(await client.waitForType('subscribed')).toMatchObject({ seq: fixture.publisher.lastSeq, replayed: 0, id: 'r1' });
    expect(client.events).toEqual([]);
    const live = await fixture.publisher.publish(forProduct(3));
    await client.waitForEvents(1);
    expect(client.events).toEqual([live]);
  });

  it('replays nothing when since is current, and adds only what the connection did not already get', async () => {
    const client = await fixture.connect();
    await client.subscribe([`product:${productId(4)}`]);
    const mine = await fixture.publisher.publish(forProduct(4));
    await client.waitForEvents(1);
    const other = await fixture.publisher.publish(forProduct(5));
    await expect.poll(() => fixture.server.app.liveFeed.hub.seq).toBe(other.seq);
    // `catalog` since before `mine`: `mine` was already delivered through its product topic.
    const subscribed = await client.subscribe(['catalog'], mine.seq - 1);
    expect(subscribed.replayed).toBe(1);
    expect(seqs(client)).toEqual([mine.seq, other.seq]);
    expect((await client.subscribe(['category:kitchen'], fixture.publisher.lastSeq)).replayed).toBe(0);
  });
});
