import { CLOSE_CODES, ServerMessageSchema, type ServerMessage } from '@livecart/schemas';
import { describe, expect, it } from 'vitest';
import { TestClient } from './support/client.js';
import { useServerFixture } from './support/fixture.js';
import { productId, productUpdated } from './support/events.js';


const fixture = useServerFixture('realtime-protocol', { WS_MAX_TOPICS: '3', WS_MAX_MESSAGES_PER_SECOND: '10', WS_MAX_PAYLOAD_BYTES: '1024' });

describe('protocol', () => {
  it('greets with welcome: instance id, current seq and limits', async () => {
    await fixture.publisher.publish();
    await expect.poll(() => fixture.server.app.liveFeed.hub.seq).toBe(fixture.publisher.lastSeq);
    const client = await TestClient.connect(fixture.server.wsUrl);
    fixture.clients.push(client);
    const welcome = await client.waitForType('welcome');
    expect(ServerMessageSchema.parse(welcome)).toEqual({
      type: 'welcome',
      protocolVersion: 1,
      instanceId: expect.any(String),
      seq: fixture.publisher.lastSeq,
      limits: { maxTopicsPerConnection: 3, maxMessagesPerSecond: 10, maxPayloadBytes: 1024, heartbeatIntervalMs: 30_000 },
    });
    expect(client.ws.protocol).toBe('livecart.v1.json');
  });

  it('subscribes, delivers events of the topic as valid protocol messages, unsubscribes, answers ping', async () => {
    const client = await fixture.connect();
    const topic = `product:${productId(7)}`;
    const subscribed = await client.subscribe([topic]);
    expect(subscribed).toMatchObject({ type: 'subscribed', topics: [topic], seq: fixture.publisher.lastSeq, replayed: 0 });

    const event = await fixture.publisher.publish((seq) => productUpdated(seq, { id: productId(7) }));
    await fixture.publisher.publish((seq) => productUpdated(seq, { id: productId(8) }));
    const [received] = await client.waitForEvents(1);
    expect(received).toEqual(event);
    const frame = client.messages.find((m) => m.type === 'event' || m.type === 'batch');
    expect(ServerMessageSchema.safeParse(frame).success).toBe(true);

    client.send({ type: 'unsubscribe', topics: [topic], id: 'u1' });
    expect(await client.waitForType('unsubscribed')).toEqual({ type: 'unsubscribed', topics: [topic], id: 'u1' });
    await fixture.publisher.publish((seq) => productUpdated(seq, { id: productId(7) }));

    client.send({ type: 'ping', id: 'p1' });
    const pong = await client.waitForType('pong');
    expect(pong).toMatchObject({ type: 'pong', id: 'p1', ts: expect.any(Number) });
    expect(client.events).toHaveLength(1);
  });

  it('speaks MessagePack in binary frames when the client asks for livecart.v1.msgpack', async () => {
    // The earlier tests' last event must be through the hub first, or `catalog` subscribers (from its seq) get it too.
    await expect.poll(() => fixture.server.app.liveFeed.hub.seq).toBe(fixture.publisher.lastSeq);
    const json = await fixture.connect();
    const msgpack = await fixture.connect({ msgpack: true });
    expect(msgpack.ws.protocol).toBe('livecart.v1.msgpack');
    await json.subscribe(['catalog']);
    await msgpack.subscribe(['catalog']);
    const events = [await fixture.publisher.publish(), await fixture.publisher.publish()];
    await msgpack.waitForEvents(2);
    await json.waitForEvents(2);
    expect(msgpack.events).toEqual(events);
    expect(json.events).toEqual(events);
    for (const message of msgpack.messages) expect(ServerMessageSchema.safeParse(message).success).toBe(true);
  });

  describe('bad input gets an error (or a documented close) and never touches other connections', () => {
    async function expectError(client: TestClient, code: string): Promise<ServerMessage> {
      const error = await client.waitFor((m) => m.type === 'error' && m.code === code);
      expect(ServerMessageSchema.safeParse(error).success).toBe(true);
      return error;
    }

    async function bystanderStillServed(bystander: TestClient): Promise<void> {
      const before = bystander.events.length;
      await fixture.publisher.publish();
      await bystander.waitForEvents(before + 1);
    }

    it('malformed JSON → bad_json', async () => {
      const [client, bystander] = [await fixture.connect(), await fixture.connect()];
      await bystander.subscribe(['catalog']);
      client.sendRaw('{"type": "subscribe", ', false);
      await expectError(client, 'bad_json');
      await bystanderStillServed(bystander);
      // The offender stays connected and usable.
      client.send({ type: 'ping', id: 'still-here' });
      await client.waitFor((m) => m.type === 'pong' && m.id === 'still-here');
    });

    it('unknown type and wrong shapes → bad_message, echoing the request id', async () => {
      const client = await fixture.connect();
      client.send({ type: 'shout', id: 'x1' });
      expect(await expectError(client, 'bad_message')).toMatchObject({ id: 'x1' });
      client.send([1, 2, 3]);
      client.send({ type: 'subscribe', topics: 'catalog', id: 'x2' });
      await client.waitFor((m) => m.type === 'error' && m.id === 'x2');
      client.send({ type: 'subscribe', topics: ['catalog'], since: -1, id: 'x3' });
      await client.waitFor((m) => m.type === 'error' && m.id === 'x3' && m.code === 'bad_message');
    });

    it('bad topic → bad_topic', async () => {
      const client = await fixture.connect();
      client.send({ type: 'subscribe', topics: ['catalog', 'product:NOT-A-UUID'], id: 't1' });
      const error = await expectError(client, 'bad_topic');
      expect(error).toMatchObject({ id: 't1', message: expect.stringContaining('topics.1') });
    });

    it('too many topics → too_many_topics, and nothing is subscribed', async () => {
      const client = await fixture.connect();
      await client.subscribe([`product:${productId(1)}`, `product:${productId(2)}`]);
      client.send({ type: 'subscribe', topics: [`product:${productId(3)}`, `product:${productId(4)}`], id: 'm1' });
      expect(await expectError(client, 'too_many_topics')).toMatchObject({ id: 'm1' });
      expect(fixture.server.app.liveFeed.hub.index.get(`product:${productId(4)}`)?.size ?? 0).toBe(0);
    });

    it('binary junk in a JSON session → unsupported_frame and close 1008', async () => {
      const [client, bystander] = [await fixture.connect(), await fixture.connect()];
      await bystander.subscribe(['catalog']);
      client.sendRaw(Buffer.from([0xde, 0xad, 0xbe, 0xef]), true);
      await expectError(client, 'unsupported_frame');
      expect((await client.closed).code).toBe(CLOSE_CODES.POLICY_VIOLATION);
      await bystanderStillServed(bystander);
    });

    it('an oversized frame → close 1009', async () => {
      const [client, bystander] = [await fixture.connect(), await fixture.connect()];
      await bystander.subscribe(['catalog']);
      client.send({ type: 'ping', id: 'x'.repeat(2000) });
      expect((await client.closed).code).toBe(CLOSE_CODES.MESSAGE_TOO_BIG);
      await bystanderStillServed(bystander);
    });

    it('a message flood → rate_limited, then close 4429 when it goes on', async () => {
      const [client, bystander] = [await fixture.connect(), await fixture.connect()];
      await bystander.subscribe(['catalog']);
      for (let i = 0; i < 30; i++) client.send({ type: 'ping', id: `f${i}` });
      await expectError(client, 'rate_limited');
      const pongs = client.messages.filter((m) => m.type === 'pong').length;
      expect(pongs).toBeLessThanOrEqual(10);
      await new Promise((resolve) => setTimeout(resolve, 1100));
      for (let i = 0; i < 30; i++) client.send({ type: 'ping' });
      expect((await client.closed).code).toBe(CLOSE_CODES.RATE_LIMITED);
      await bystanderStillServed(bystander);
    });
  });
});
