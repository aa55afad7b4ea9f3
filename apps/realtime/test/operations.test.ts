import { clearRedisPrefix, testRedisPrefix } from '@livecart/local-services/testing';
import { CLOSE_CODES } from '@livecart/schemas';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startApp, type RunningApp } from './support/app.js';
import { TestClient, UpgradeRefused } from './support/client.js';
import { TestPublisher } from './support/publisher.js';

const redisUrl = inject('redisUrl');
const prefix = testRedisPrefix('realtime-operations');
let server: RunningApp;
let publisher: TestPublisher;

beforeAll(async () => {
  publisher = new TestPublisher(redisUrl, prefix);
  server = await startApp({ redisUrl, prefix });
});

afterAll(async () => {
  await server?.close();
  await publisher?.close();
  await clearRedisPrefix(redisUrl, prefix);
});

describe('operations endpoints', () => {
  it('GET /health and GET /ready answer 200 once subscribed', async () => {
    const health = await fetch(`${server.httpUrl}/health`);
    expect(health.status).toBe(200);
    const ready = await fetch(`${server.httpUrl}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ ready: true, seq: expect.any(Number) });
  });

  it('GET /metrics exposes connections, events in/out, batches and publish→send lag', async () => {
    const client = await TestClient.connect(server.wsUrl);
    await client.subscribe(['catalog']);
    await publisher.publishBurst(5);
    await client.waitForEvents(5);
    const response = await fetch(`${server.httpUrl}/metrics`);
    expect(response.headers.get('content-type')).toMatch(/text\/plain/);
    const text = await response.text();
    for (const name of [
      'realtime_connections',
      'realtime_subscriptions',
      'realtime_events_in_total',
      'realtime_events_out_total',
      'realtime_batch_frames_total',
      'realtime_slow_consumer_closes_total',
      'realtime_event_lag_seconds_bucket',
      'process_resident_memory_bytes',
    ]) {
      expect(text).toContain(name);
    }
    expect(text).toMatch(/realtime_connections\{[^}]*\} 1\n/);
    expect(text).toMatch(/realtime_events_out_total\{[^}]*\} 5\n/);
    expect(text).toMatch(/realtime_event_lag_seconds_count\{[^}]*\} 5\n/);
    client.close();
    await client.closed;
  });

  it('GET / serves the debug page', async () => {
    const response = await fetch(`${server.httpUrl}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    const html = await response.text();
    expect(html).toContain('new WebSocket(');
    expect(html).toContain("type: 'subscribe'");
  });
});

describe('graceful shutdown', () => {
  it('closes every socket with 1001 going away, refuses new upgrades, and /ready goes 503', async () => {
    const own = await startApp({ redisUrl, prefix });
    const clients = [await TestClient.connect(own.wsUrl), await TestClient.connect(own.wsUrl, { msgpack: true })];
    await clients[0]!.subscribe(['catalog']);
    const closing = own.close();
    const results = await Promise.all(clients.map((client) => client.closed));
    expect(results).toEqual([
      { code: CLOSE_CODES.GOING_AWAY, reason: 'going away' },
      { code: CLOSE_CODES.GOING_AWAY, reason: 'going away' },
    ]);
    await closing;
    await expect(TestClient.connect(own.wsUrl)).rejects.toBeInstanceOf(Error);
    expect(own.app.liveFeed.source.ready).toBe(false);
  });

  it('answers 503 to upgrades while closing', async () => {
    const own = await startApp({ redisUrl, prefix, env: { SHUTDOWN_GRACE_MS: '2000' } });
    const lingering = await TestClient.connect(own.wsUrl);
    // Hold the close handshake open: the socket stops reading, so shutdown waits out the grace period.
    lingering.ws.pause();
    const closing = own.close();
    await expect(TestClient.connect(own.wsUrl)).rejects.toEqual(new UpgradeRefused(503));
    lingering.ws.resume();
    await closing;
    expect((await lingering.closed).code).toBe(CLOSE_CODES.GOING_AWAY);
  });
});
