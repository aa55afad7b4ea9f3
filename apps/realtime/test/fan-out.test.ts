import { describe, expect, it } from 'vitest';
import { type TestClient } from './support/client.js';
import { useServerFixture } from './support/fixture.js';
import { productId, productUpdated } from './support/events.js';


const fixture = useServerFixture('realtime-fan-out');

const seqs = (client: TestClient) => client.events.map((event) => event.seq);

describe('live fan-out', () => {
  it('sends an event once to a connection following several of its topics', async () => {
    const client = await fixture.connect();
    await client.subscribe([`product:${productId(1)}`, 'category:kitchen', 'catalog']);
    const event = await fixture.publisher.publish((seq) => productUpdated(seq, { id: productId(1), category: 'kitchen' }));
    await fixture.publisher.publish((seq) => productUpdated(seq, { id: productId(2), category: 'garden', topics: [`product:${productId(2)}`] }));
    const marker = await fixture.publisher.publish((seq) => productUpdated(seq, { id: productId(3), category: 'kitchen' }));
    await client.waitFor((m) => m.type === 'event' && m.event.seq === marker.seq);
    expect(seqs(client)).toEqual([event.seq, marker.seq]);
  });

  it('reaches only the subscribers of the topics an event carries', async () => {
    const [kitchen, garden, product] = [await fixture.connect(), await fixture.connect(), await fixture.connect()];
    await kitchen.subscribe(['category:kitchen']);
    await garden.subscribe(['category:garden']);
    await product.subscribe([`product:${productId(9)}`]);
    const a = await fixture.publisher.publish((seq) => productUpdated(seq, { id: productId(9), category: 'kitchen' }));
    const b = await fixture.publisher.publish((seq) => productUpdated(seq, { id: productId(10), category: 'garden' }));
    await kitchen.waitForEvents(1);
    await garden.waitForEvents(1);
    await product.waitForEvents(1);
    await fixture.publisher.publish((seq) => productUpdated(seq, { id: productId(11), category: 'toys' }));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(seqs(kitchen)).toEqual([a.seq]);
    expect(seqs(garden)).toEqual([b.seq]);
    expect(seqs(product)).toEqual([a.seq]);
  });

  it('keeps seq order and sends each seq once under a burst, even when the relay re-publishes', async () => {
    const client = await fixture.connect();
    await client.subscribe(['catalog']);
    const first = fixture.publisher.lastSeq + 1;
    const events = await fixture.publisher.publishMany(200);
    // At-least-once: a retrying relay publishes some seqs again.
    for (const event of events.slice(50, 60)) await fixture.publisher.republish(event);
    const last = await fixture.publisher.publish();
    await client.waitFor((m) => (m.type === 'event' && m.event.seq === last.seq) || (m.type === 'batch' && m.events.at(-1)?.seq === last.seq));
    expect(seqs(client)).toEqual(Array.from({ length: last.seq - first + 1 }, (_, i) => first + i));
    expect(fixture.server.app.liveFeed.sequencer.stats.duplicates).toBeGreaterThanOrEqual(10);
  });

  it('groups events that are ready in the same tick into one batch frame', async () => {
    const [json, msgpack] = [await fixture.connect(), await fixture.connect({ msgpack: true })];
    await json.subscribe(['catalog']);
    await msgpack.subscribe(['catalog']);
    const burst = await fixture.publisher.publishBurst(50);
    for (const client of [json, msgpack]) {
      await client.waitForEvents(50);
      const batches = client.messages.filter((m) => m.type === 'batch');
      expect(batches.length).toBeGreaterThan(0);
      expect(batches.length + client.messages.filter((m) => m.type === 'event').length).toBeLessThan(50);
      expect(client.events).toEqual(burst);
    }
  });
});
