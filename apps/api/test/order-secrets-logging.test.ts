import { Writable } from 'node:stream';
import { loggerOptions } from '@livecart/config/logger';
import { TEST_CARDS, type OrderPlaced } from '@livecart/schemas';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseLinkKeys } from '../src/auth/order-link.js';
import { createWebhookSignature } from '../src/services/payments/webhook-signature.js';
import { createTestContext, ORDER_LINK_KEYS, orderAuth, PAYMENT_WEBHOOK_SECRET, testPool, type TestContext } from './helpers.js';
import { freshOrder, waitForStatus } from './order-fixtures.js';

/**
 * At the most verbose level, with every request logged as slow: no order token (header or link), card
 * number, webhook signature or secret reaches a log line.
 */
let ctx: TestContext;
let app: FastifyInstance;
let pool: pg.Pool;
const lines: string[] = [];

beforeAll(async () => {
  ctx = await createTestContext('order-secrets-logging');
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  const logger = pino({ ...loggerOptions({ name: 'livecart-api', level: 'trace', nodeEnv: 'production' }) }, sink);
  app = await ctx.app({ SLOW_REQUEST_MS: '1' }, { logger });
  await app.listen({ host: '127.0.0.1', port: 0 });
  pool = testPool(ctx.databaseUrl);
});

afterAll(async () => {
  await pool?.end();
  await ctx?.close();
});

describe('order secrets in logs', () => {
  it('never shows a link token, a card number, a webhook signature or a secret', async () => {
    const order: OrderPlaced = await freshOrder(app);
    await app.inject({ url: `/v1/orders/${order.id}?token=${encodeURIComponent(order.accessToken)}` });
    await app.inject({ url: `/v1/orders/${order.id}`, headers: orderAuth(order.accessToken) });
    await app.inject({ url: `/v1/orders/${order.id}?token=${encodeURIComponent(`${order.accessToken}x`)}` });
    await app.inject({ method: 'POST', url: `/v1/orders/${order.id}/payment`, headers: orderAuth(order.accessToken), payload: { cardNumber: TEST_CARDS.decline } });
    await app.inject({ method: 'POST', url: `/v1/orders/${order.id}/payment`, headers: orderAuth(order.accessToken), payload: { cardNumber: TEST_CARDS.success } });
    await waitForStatus(pool, order.id, 'paid');
    const body = JSON.stringify({ type: 'payment.succeeded', data: { providerPaymentId: 'tp_forged', amountMinor: 1, currency: 'EUR' } });
    const forged = createWebhookSignature({ secret: 'a-forger-s-own-secret-of-32-characters-or-more', toleranceS: 300 }).sign('msg_forged', Buffer.from(body));
    await app.inject({ method: 'POST', url: '/v1/payments/webhooks/test', headers: { 'content-type': 'application/json', ...forged }, payload: body });

    const out = lines.join('');
    expect(out).toContain('slow request');
    expect(out).toContain('[redacted]');
    const secrets = [order.accessToken, order.accessToken.split('.').at(-1)!, TEST_CARDS.decline, TEST_CARDS.success, forged['webhook-signature']!.slice(3), PAYMENT_WEBHOOK_SECRET, parseLinkKeys(ORDER_LINK_KEYS)[0]!.secret];
    for (const secret of secrets) expect(out, secret).not.toContain(secret);
  });
});
