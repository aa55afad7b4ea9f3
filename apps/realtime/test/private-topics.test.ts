import { randomBytes } from 'node:crypto';
import type { ServerMessage } from '@livecart/schemas';
import { mintRealtimeToken, parseRealtimeTokenKeys, type RealtimeTokenKeyRing } from '@livecart/schemas/realtime-token-signing';
import { describe, expect, it } from 'vitest';
import type { TestClient } from './support/client.js';
import { productId, productUpdated } from './support/events.js';
import { useServerFixture } from './support/fixture.js';

const secret = () => randomBytes(32).toString('base64');
const NEW = secret();
const OLD = secret();
/** The server's ring: `new` signs, `old` still verifies. */
const fixture = useServerFixture('realtime-private', { REALTIME_TOKEN_KEYS: `new:${NEW},old:${OLD}` });
const signer = {
  current: parseRealtimeTokenKeys(`new:${NEW}`),
  previous: parseRealtimeTokenKeys(`old:${OLD}`),
  rotatedOut: parseRealtimeTokenKeys(`gone:${secret()}`),
  forger: parseRealtimeTokenKeys(`new:${secret()}`),
};

const orderTopic = (n: number) => `order:${productId(n)}`;
const ORDER = orderTopic(1);
const OTHER_ORDER = orderTopic(2);

function token(topics: string[], options: { ring?: RealtimeTokenKeyRing; nowMs?: number; lifetimeS?: number } = {}): string {
  return mintRealtimeToken({
    ring: options.ring ?? signer.current,
    subject: 'user:test',
    topics,
    nowMs: options.nowMs ?? Date.now(),
    ...(options.lifetimeS === undefined ? {} : { lifetimeS: options.lifetimeS }),
  }).token;
}

/**
 * An event of `topics`. Its body is a product's (the realtime server routes by the head alone, and order and
 * cart event bodies are the orders work's to define).
 */
const on = (...topics: string[]) => (seq: number) => productUpdated(seq, { id: productId(90), topics });

async function subscribeWith(client: TestClient, topics: string[], withToken?: string, since?: number): Promise<ServerMessage> {
  const id = randomBytes(4).toString('hex');
  client.send({ type: 'subscribe', topics, id, ...(withToken === undefined ? {} : { token: withToken }), ...(since === undefined ? {} : { since }) });
  return client.waitFor((message) => (message.type === 'subscribed' || message.type === 'error') && message.id === id);
}

/** Publishes a last public marker event and waits until `client` (which follows `catalog`) has it: everything before has been routed. */
async function settle(...clients: TestClient[]): Promise<void> {
  for (const client of clients) await subscribeWith(client, ['category:settle']);
  const marker = await fixture.publisher.publish(on('category:settle'));
  for (const client of clients) await client.waitFor((message) => message.type === 'event' && message.event.seq === marker.seq);
}

const privateSeqs = (client: TestClient) => client.events.filter((event) => !event.topics.includes('category:settle')).map((event) => event.seq);

describe('private topics', () => {
  it('deliver an event of order:<id> only to sockets that subscribed with a token granting it, never to catalog', async () => {
    const owner = await fixture.connect();
    const catalog = await fixture.connect();
    const otherOwner = await fixture.connect();
    expect(await subscribeWith(owner, [ORDER], token([ORDER]))).toMatchObject({ type: 'subscribed', topics: [ORDER] });
    expect(await subscribeWith(catalog, ['catalog'])).toMatchObject({ type: 'subscribed' });
    expect(await subscribeWith(otherOwner, [OTHER_ORDER], token([OTHER_ORDER]))).toMatchObject({ type: 'subscribed' });

    const mine = await fixture.publisher.publish(on(ORDER));
    // A producer that wrongly tags a private event public too: still only the private topic carries it.
    const mislabelled = await fixture.publisher.publish(on(ORDER, 'catalog'));
    await settle(owner, catalog, otherOwner);

    expect(privateSeqs(owner)).toEqual([mine.seq, mislabelled.seq]);
    expect(privateSeqs(catalog)).toEqual([]);
    expect(privateSeqs(otherOwner)).toEqual([]);
  });

  it.each([
    ['no token', () => undefined, 'token_required'],
    ["someone else's token (granting another order)", () => token([OTHER_ORDER]), 'topic_forbidden'],
    ['an expired token', () => token([ORDER], { nowMs: Date.now() - 120_000, lifetimeS: 60 }), 'token_expired'],
    ['a forged token (right kid, wrong secret)', () => token([ORDER], { ring: signer.forger }), 'token_invalid'],
    ['a token of a rotated-out key', () => token([ORDER], { ring: signer.rotatedOut }), 'token_invalid'],
    ['a tampered token', () => token([ORDER]).replace(/\.([A-Za-z0-9_-])/, (_m, c: string) => `.${c === 'A' ? 'B' : 'A'}`), 'token_invalid'],
  ])('refuse %s with its error code, and deliver nothing of the whole message', async (_name, makeToken, code) => {
    const client = await fixture.connect();
    const answer = await subscribeWith(client, ['catalog', ORDER], makeToken());
    expect(answer).toMatchObject({ type: 'error', code });
    await fixture.publisher.publish(on(ORDER));
    await fixture.publisher.publish(on('catalog'));
    await settle(client);
    expect(privateSeqs(client)).toEqual([]);
  });

  it('accept a token signed by the second key of the ring', async () => {
    const client = await fixture.connect();
    expect(await subscribeWith(client, [ORDER], token([ORDER], { ring: signer.previous }))).toMatchObject({ type: 'subscribed' });
    const event = await fixture.publisher.publish(on(ORDER));
    await client.waitForEvents(1);
    expect(client.events).toEqual([event]);
  });

  it('resume with since: replay the missed private events and no others', async () => {
    const topic = orderTopic(3);
    const first = await fixture.connect();
    await subscribeWith(first, [topic], token([topic]));
    const seen = await fixture.publisher.publish(on(topic));
    await first.waitForEvents(1);
    first.ws.terminate();

    const missed = [];
    for (let i = 0; i < 4; i++) {
      missed.push(await fixture.publisher.publish(on(topic)));
      await fixture.publisher.publish(on(orderTopic(4)));
      await fixture.publisher.publish(on('catalog'));
    }
    await expect.poll(() => fixture.server.app.liveFeed.hub.seq).toBe(fixture.publisher.lastSeq);

    const again = await fixture.connect();
    const subscribed = await subscribeWith(again, [topic, 'category:kitchen'], token([topic]), seen.seq);
    expect(subscribed).toMatchObject({ type: 'subscribed', replayed: 4 });
    expect(again.events).toEqual(missed);
  });

  it('end a subscription when its token expires (unsubscribed, token_expired), and only that one', async () => {
    const topic = orderTopic(5);
    const client = await fixture.connect();
    await subscribeWith(client, ['category:kitchen']);
    // A token of at most one second: refused from its exp second on.
    await subscribeWith(client, [topic], token([topic], { lifetimeS: 1 }));
    const ended = await client.waitFor((message) => message.type === 'unsubscribed', { timeoutMs: 3_000 });
    expect(ended).toEqual({ type: 'unsubscribed', topics: [topic], reason: 'token_expired' });
    await fixture.publisher.publish(on(topic));
    const still = await fixture.publisher.publish(on('category:kitchen'));
    await client.waitForEvents(1);
    expect(client.events).toEqual([still]);
    expect(await subscribeWith(client, [topic], token([topic]))).toMatchObject({ type: 'subscribed' });
  });

  it('keep a subscription whose token is renewed before it expires', async () => {
    const topic = orderTopic(6);
    const client = await fixture.connect();
    await subscribeWith(client, [topic], token([topic], { lifetimeS: 1 }));
    await subscribeWith(client, [topic], token([topic]));
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    const event = await fixture.publisher.publish(on(topic));
    await client.waitForEvents(1);
    expect(client.events).toEqual([event]);
    expect(client.messages.some((message) => message.type === 'unsubscribed')).toBe(false);
  });
});
