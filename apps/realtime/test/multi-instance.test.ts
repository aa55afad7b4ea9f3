import { clearRedisPrefix, testRedisPrefix } from '@livecart/local-services/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startApp, type RunningApp } from './support/app.js';
import { TestClient } from './support/client.js';
import { productId, productUpdated } from './support/events.js';
import { TestPublisher } from './support/publisher.js';

const redisUrl = inject('redisUrl');
const prefix = testRedisPrefix('realtime-multi');
let instances: RunningApp[] = [];
let publisher: TestPublisher;
const clients: TestClient[] = [];

beforeAll(async () => {
  publisher = new TestPublisher(redisUrl, prefix);
  instances = await Promise.all(
    ['a', 'b', 'c'].map((name) => startApp({ redisUrl, prefix, env: { INSTANCE_ID: `instance-${name}` } })),
  );
});

afterAll(async () => {
  for (const client of clients) client.ws.terminate();
  await Promise.all(instances.map((instance) => instance.close()));
  await publisher?.close();
  await clearRedisPrefix(redisUrl, prefix);
});

describe('several instances on one Redis', () => {
  it('deliver every event to every subscriber on every instance exactly once, in order', async () => {
    const topicSets = [['catalog'], [`product:${productId(1)}`, 'category:kitchen'], [`product:${productId(2)}`]];
    const subscribers: { client: TestClient; topics: string[] }[] = [];
    for (const [index, instance] of instances.entries()) {
      const welcome = [];
      for (const topics of topicSets) {
        const client = await TestClient.connect(instance.wsUrl, { msgpack: index === 1 });
        clients.push(client);
        welcome.push(await client.waitForType('welcome'));
        await client.subscribe(topics);
        subscribers.push({ client, topics });
      }
      expect(welcome[0]?.instanceId).toBe(`instance-${['a', 'b', 'c'][index]}`);
    }

    const make = (seq: number) => {
      const n = 1 + (seq % 3);
      return productUpdated(seq, { id: productId(n), category: n === 3 ? 'garden' : 'kitchen' });
    };
    const events = [...(await publisher.publishMany(30, make)), ...(await publisher.publishBurst(200, make))];
    // A relay retry re-publishes a few: no instance may pass them on twice.
    for (const event of events.slice(0, 20)) await publisher.republish(event);
    // Seen by everyone, after the re-publishes: once it is in, any duplicate would already be too.
    const allTopics = [...new Set(topicSets.flat())];
    events.push(await publisher.publish((seq) => productUpdated(seq, { topics: allTopics })));

    for (const { client, topics } of subscribers) {
      const expected = events.filter((event) => event.topics.some((topic) => topics.includes(topic)));
      await client.waitForEvents(expected.length, 10_000);
      expect(client.events.map((e) => e.seq)).toEqual(expected.map((e) => e.seq));
    }
  });
});
