import { describe, expect, it } from 'vitest';
import { type TestClient } from './support/client.js';
import { productId, productUpdated } from './support/events.js';
import { useServerFixture } from './support/fixture.js';

/**
 * `/ws?delivery=latest`: a view of current state (a storefront page) is sent each subject's newest state of
 * a write, not every step on the way; a connection without it still gets every event.
 */
const fixture = useServerFixture('realtime-delivery-latest');

const seqs = (client: TestClient) => client.events.map((event) => event.seq);

describe('delivery latest', () => {
  it('sends a burst of one product as fewer events ending with its newest state; the default connection gets all of them', async () => {
    const [latest, every] = [await fixture.connect({ delivery: 'latest' }), await fixture.connect()];
    const topics = [`product:${productId(1)}`, 'catalog'];
    await latest.subscribe(topics);
    await every.subscribe(topics);
    const burst = await fixture.publisher.publishBurst(50, (seq) => productUpdated(seq, { id: productId(1) }));
    const last = burst.at(-1)!;
    await every.waitForEvents(50);
    await latest.waitFor((m) => (m.type === 'event' && m.event.seq === last.seq) || (m.type === 'batch' && m.events.at(-1)?.seq === last.seq));
    expect(seqs(every)).toEqual(burst.map((event) => event.seq));
    expect(latest.events.length).toBeLessThan(50);
    expect(latest.events.at(-1)).toEqual(last);
    // Still in seq order, each at most once.
    expect(seqs(latest)).toEqual([...new Set(seqs(latest))].sort((a, b) => a - b));
    expect(fixture.server.app.liveFeed.hub.stats.coalesced).toBeGreaterThanOrEqual(50 - latest.events.length);
  });

  it('keeps the newest state of every product of a burst', async () => {
    const latest = await fixture.connect({ delivery: 'latest' });
    await latest.subscribe(['catalog']);
    const burst = await fixture.publisher.publishBurst(30, (seq) => productUpdated(seq, { id: productId(100 + (seq % 3)) }));
    const newest = [...new Map(burst.map((event) => [event.data.id, event])).values()];
    await latest.waitFor((m) => (m.type === 'event' && m.event.seq === burst.at(-1)!.seq) || (m.type === 'batch' && m.events.at(-1)?.seq === burst.at(-1)!.seq));
    for (const event of newest) expect(latest.events).toContainEqual(event);
  });

  it("resumes with since as state too: of the missed events, each product's newest, then live", async () => {
    const topics = [`product:${productId(200)}`, `product:${productId(201)}`];
    const first = await fixture.connect({ delivery: 'latest' });
    await first.subscribe(topics);
    const seen = await fixture.publisher.publish((seq) => productUpdated(seq, { id: productId(200), topics: [topics[0]!] }));
    await first.waitForEvents(1);
    first.ws.terminate();
    // Missed while away: 40 states of two products, alternating.
    const missed = await fixture.publisher.publishMany(40, (seq) => productUpdated(seq, { id: productId(200 + (seq % 2)), topics: [topics[seq % 2]!] }));
    await expect.poll(() => fixture.server.app.liveFeed.hub.seq).toBe(fixture.publisher.lastSeq);

    const again = await fixture.connect({ delivery: 'latest' });
    const subscribed = await again.subscribe(topics, seen.seq);
    const newest = [...new Map(missed.map((event) => [event.data.id, event])).values()].sort((a, b) => a.seq - b.seq);
    expect(again.events).toEqual(newest);
    expect(subscribed).toMatchObject({ seq: fixture.publisher.lastSeq, replayed: newest.length });
    const live = await fixture.publisher.publish((seq) => productUpdated(seq, { id: productId(201), topics: [topics[1]!] }));
    await again.waitForEvents(newest.length + 1);
    expect(again.events.at(-1)).toEqual(live);
  });

  it('refuses an upgrade asking for a mode it does not know, with 400', async () => {
    await expect(fixture.connect({ delivery: 'newest' })).rejects.toThrow(/400/);
  });
});
