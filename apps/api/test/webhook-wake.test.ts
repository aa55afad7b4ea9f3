import type { WebhookEndpointWithSecret } from '@livecart/schemas';
import { waitUntil } from '@livecart/local-services/testing';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUTH, createProductVia, createTestContext, type TestContext } from './helpers.js';
import { LOOPBACK_WEBHOOKS, Receivers } from './webhook-receiver.js';

/** Far longer than the test waits for a delivery: only a publication's wake-up can start the rounds it needs. */
const POLL_MS = 30_000;
const WITHIN_MS = 5_000;

let ctx: TestContext;
let app: FastifyInstance;
const receivers = new Receivers();

beforeAll(async () => {
  ctx = await createTestContext('webhook-wake');
  app = await ctx.app({ ...LOOPBACK_WEBHOOKS, WEBHOOK_POLL_MS: String(POLL_MS), WEBHOOK_ROUND_MIN_MS: '50' });
  await waitUntil(() => app.webhooks.worker?.stats.leader === true || undefined, { what: 'the worker lease', timeoutMs: 10_000, intervalMs: 20 });
});
afterAll(async () => {
  await receivers.closeAll();
  await ctx.close();
});

describe('webhook rounds', () => {
  it('start when an event is published, not at the next poll', async () => {
    const receiver = await receivers.start();
    const response = await app.inject({ method: 'POST', url: '/v1/webhook-endpoints', headers: AUTH, payload: { url: receiver.url, eventTypes: ['product.created'] } });
    expect(response.statusCode, response.body).toBe(201);
    const endpoint = response.json<WebhookEndpointWithSecret>();
    // Two writes, a moment apart: each reaches the endpoint long before a poll would have found it.
    for (let write = 1; write <= 2; write++) {
      const writtenAt = Date.now();
      await createProductVia(app);
      await waitUntil(() => receiver.accepted.length >= write || undefined, { what: `delivery ${write} to ${endpoint.id}`, timeoutMs: WITHIN_MS, intervalMs: 10 });
      expect(Date.now() - writtenAt).toBeLessThan(WITHIN_MS);
    }
  });
});
