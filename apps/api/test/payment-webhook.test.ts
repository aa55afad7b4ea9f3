import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TEST_CARDS, type ErrorEnvelope, type OrderPlaced, type Payment } from '@livecart/schemas';
import { waitUntil } from '@livecart/local-services/testing';
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebhookSignature } from '../src/services/payments/webhook-signature.js';
import { createTestContext, orderAuth, PAYMENT_WEBHOOK_SECRET, testPool, type TestContext } from './helpers.js';
import { freshOrder, historyOf, orderSnapshot, statusOf, waitForStatus } from './order-fixtures.js';

/**
 * The test provider's webhook, two ways. `capturing`: an api whose provider delivers to a server of the
 * test's own, which keeps each delivery as sent; the test then hands it (replayed, forged, tampered) to the
 * api. `live`: an api whose provider delivers to its own address, as in production.
 */
interface Delivery {
  headers: Record<string, string>;
  body: string;
}

let ctx: TestContext;
let capturing: FastifyInstance;
let live: FastifyInstance;
let pool: pg.Pool;
let captureServer: Server;
const delivered: Delivery[] = [];
const WEBHOOK_URL = '/v1/payments/webhooks/test';
const DELAY_MS = 1_500;

beforeAll(async () => {
  ctx = await createTestContext('payment-webhook');
  captureServer = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const headers = Object.fromEntries(['content-type', 'webhook-id', 'webhook-timestamp', 'webhook-signature'].map((name) => [name, String(request.headers[name])]));
      delivered.push({ headers, body: Buffer.concat(chunks).toString('utf8') });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => captureServer.listen(0, '127.0.0.1', resolve));
  const { port } = captureServer.address() as AddressInfo;
  // The tests hand deliveries over themselves: no instance sends a confirmation again while they run.
  const noRecovery = { PAYMENT_TEST_RECOVERY_MS: '3600000' };
  capturing = await ctx.app({ PAYMENT_WEBHOOK_URL: `http://127.0.0.1:${port}/captured`, PAYMENT_TEST_DELAY_MS: String(DELAY_MS), ...noRecovery });
  live = await ctx.app({ PAYMENT_TEST_DELAY_MS: String(DELAY_MS), ...noRecovery });
  await live.listen({ host: '127.0.0.1', port: 0 });
  pool = testPool(ctx.databaseUrl);
});

afterAll(async () => {
  await pool?.end();
  await ctx?.close();
  await new Promise((resolve) => captureServer?.close(resolve));
});

const pay = (app: FastifyInstance, order: OrderPlaced, cardNumber: string) =>
  app.inject({ method: 'POST', url: `/v1/orders/${order.id}/payment`, headers: orderAuth(order.accessToken), payload: { cardNumber } });

const post = (delivery: Delivery) => capturing.inject({ method: 'POST', url: WEBHOOK_URL, headers: delivery.headers, payload: delivery.body });

/** Pays `order` on the capturing api and returns the provider's delivery of the confirmation, not yet handed over. */
async function capturedConfirmation(order: OrderPlaced): Promise<Delivery> {
  const answer = await pay(capturing, order, TEST_CARDS.success);
  expect(answer.statusCode, answer.body).toBe(202);
  const { providerPaymentId } = answer.json<Payment>();
  return waitUntil(() => delivered.find((delivery) => delivery.body.includes(providerPaymentId)), { what: 'the provider to deliver its webhook' });
}

describe('paying with the test cards', () => {
  it('success: 202 pending, then the webhook (over HTTP, to the api itself) makes the order paid', async () => {
    const order = await freshOrder(live);
    const answer = await pay(live, order, '4242 4242 4242 4242');
    expect(answer.statusCode, answer.body).toBe(202);
    expect(answer.json<Payment>()).toMatchObject({ orderId: order.id, provider: 'test', status: 'pending', amountMinor: 2_500, currency: 'EUR', cardLast4: '4242', providerPaymentId: expect.stringMatching(/^tp_/) });
    await waitForStatus(pool, order.id, 'paid');
    const { rows } = await pool.query<{ status: string }>('SELECT status FROM payments WHERE order_id = $1', [order.id]);
    expect(rows).toEqual([{ status: 'succeeded' }]);
    expect((await historyOf(pool, order.id)).events).toEqual(['order.pending_payment', 'order.paid']);
  });

  it('decline: 402 PAYMENT_DECLINED, the attempt recorded as failed, the order still waiting', async () => {
    const order = await freshOrder(live);
    const answer = await pay(live, order, TEST_CARDS.decline);
    expect(answer.statusCode).toBe(402);
    expect(answer.json<ErrorEnvelope>()).toMatchObject({ code: 'PAYMENT_DECLINED', details: [{ field: 'body.cardNumber', message: 'was declined' }] });
    expect(await statusOf(pool, order.id)).toBe('pending_payment');
    const { rows } = await pool.query<{ status: string; card_last4: string }>('SELECT status, card_last4 FROM payments WHERE order_id = $1', [order.id]);
    expect(rows).toEqual([{ status: 'failed', card_last4: '0002' }]);
    // Declined is not final: another card may still pay.
    expect((await pay(live, order, TEST_CARDS.success)).statusCode).toBe(202);
    await waitForStatus(pool, order.id, 'paid');
  });

  it('refuses a card that is not a test card (422, naming the test cards) and a malformed number (400)', async () => {
    const order = await freshOrder(live);
    const before = await orderSnapshot(pool, order.id);
    const other = await pay(live, order, '5555 5555 5555 4444');
    expect(other.statusCode).toBe(422);
    expect(other.json<ErrorEnvelope>().details?.[0]?.message).toContain(TEST_CARDS.success);
    const malformed = await pay(live, order, '4242-4242');
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json<ErrorEnvelope>().details?.[0]?.field).toBe('body.cardNumber');
    expect(await orderSnapshot(pool, order.id)).toEqual(before);
  });

  it('delayed confirmation: pending for a while, then the webhook arrives and moves the order; a second attempt meanwhile is refused', async () => {
    const order = await freshOrder(live);
    const started = Date.now();
    expect((await pay(live, order, TEST_CARDS.delayed)).statusCode).toBe(202);
    const again = await pay(live, order, TEST_CARDS.success);
    expect(again.statusCode).toBe(409);
    expect(again.json<ErrorEnvelope>().code).toBe('CONFLICT');
    expect(await statusOf(pool, order.id)).toBe('pending_payment');
    await waitForStatus(pool, order.id, 'paid');
    expect(Date.now() - started).toBeGreaterThanOrEqual(DELAY_MS);
  });
});

describe('the webhook', () => {
  it('acts once on a delivery however often it arrives: a replay answers 2xx and changes nothing', async () => {
    const order = await freshOrder(capturing);
    const delivery = await capturedConfirmation(order);
    expect(await statusOf(pool, order.id)).toBe('pending_payment');
    const first = await post(delivery);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toEqual({ processed: true });
    expect(await statusOf(pool, order.id)).toBe('paid');
    const settled = await orderSnapshot(pool, order.id);
    for (let i = 0; i < 3; i++) {
      const replay = await post(delivery);
      expect(replay.statusCode).toBe(200);
      expect(replay.json()).toEqual({ processed: false });
    }
    expect(await orderSnapshot(pool, order.id)).toEqual(settled);
    expect((await historyOf(pool, order.id)).events).toEqual(['order.pending_payment', 'order.paid']);
  });

  it('refuses forged, tampered and stale deliveries (400/401) and changes nothing', async () => {
    const order = await freshOrder(capturing);
    const delivery = await capturedConfirmation(order);
    const before = await orderSnapshot(pool, order.id);
    const body = Buffer.from(delivery.body);
    const id = delivery.headers['webhook-id']!;
    const now = Math.floor(Date.now() / 1_000);
    const genuine = createWebhookSignature({ secret: PAYMENT_WEBHOOK_SECRET, toleranceS: 300 });
    const wrongSecret = createWebhookSignature({ secret: 'another-payment-webhook-secret-0123456789ab', toleranceS: 300 });
    const tampered = delivery.body.replace('"amountMinor":2500', '"amountMinor":1');
    expect(tampered).not.toBe(delivery.body);
    const { 'webhook-signature': _signature, ...unsigned } = delivery.headers;

    const cases: [string, Delivery, number][] = [
      ['a bad signature', { headers: { ...delivery.headers, 'webhook-signature': `v1,${Buffer.alloc(32, 7).toString('base64')}` }, body: delivery.body }, 401],
      ['a signature that is not v1', { headers: { ...delivery.headers, 'webhook-signature': delivery.headers['webhook-signature']!.replace('v1,', 'v2,') }, body: delivery.body }, 401],
      ['the wrong secret', { headers: { ...delivery.headers, ...wrongSecret.sign(id, body) }, body: delivery.body }, 401],
      ['an old timestamp, correctly signed', { headers: { ...delivery.headers, ...genuine.sign(id, body, now - 301) }, body: delivery.body }, 401],
      ['a timestamp in the future', { headers: { ...delivery.headers, ...genuine.sign(id, body, now + 301) }, body: delivery.body }, 401],
      ['a tampered body', { headers: delivery.headers, body: tampered }, 401],
      ['another delivery id under the same signature', { headers: { ...delivery.headers, 'webhook-id': `${id}x` }, body: delivery.body }, 401],
      ['a timestamp moved under the same signature', { headers: { ...delivery.headers, 'webhook-timestamp': String(Number(delivery.headers['webhook-timestamp']) + 1) }, body: delivery.body }, 401],
      ['no signature', { headers: unsigned, body: delivery.body }, 400],
    ];
    for (const [what, forged, status] of cases) {
      const answer = await post(forged);
      expect(answer.statusCode, `${what}: ${answer.body}`).toBe(status);
      expect(answer.json<ErrorEnvelope>().code, what).toBe(status === 401 ? 'UNAUTHORIZED' : 'VALIDATION_FAILED');
    }
    expect(await orderSnapshot(pool, order.id)).toEqual(before);
    // The genuine delivery still works afterwards: the refusals left no trace of its id.
    expect((await post(delivery)).json()).toEqual({ processed: true });
    expect(await statusOf(pool, order.id)).toBe('paid');
  });

  it('confirms a payment whose instance stopped before delivering: another instance sends the overdue confirmation, once', async () => {
    // The capturing instance takes the payment and "delivers" it to the test's server: the api never hears of it.
    const order = await freshOrder(capturing);
    const answer = await pay(capturing, order, TEST_CARDS.success);
    expect(answer.statusCode, answer.body).toBe(202);
    await waitUntil(() => (delivered.some((delivery) => delivery.body.includes(answer.json<Payment>().providerPaymentId)) ? true : undefined), { what: 'the captured delivery', timeoutMs: 5_000 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await statusOf(pool, order.id)).toBe('pending_payment');
    // Another instance, listening, whose provider looks for confirmations a second overdue.
    const rescuer = await ctx.app({ PAYMENT_TEST_RECOVERY_MS: '1000' });
    try {
      await rescuer.listen({ host: '127.0.0.1', port: 0 });
      await waitForStatus(pool, order.id, 'paid', 10_000);
      // Later looks find nothing pending: the order was paid once, with one event.
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      expect((await historyOf(pool, order.id)).events).toEqual(['order.pending_payment', 'order.paid']);
      const { rows } = await pool.query<{ status: string }>('SELECT status FROM payments WHERE order_id = $1', [order.id]);
      expect(rows).toEqual([{ status: 'succeeded' }]);
    } finally {
      await rescuer.close();
    }
  });

  it('answers 409 (retried by the provider) for a payment it does not know yet, without using up the delivery id', async () => {
    const signer = createWebhookSignature({ secret: PAYMENT_WEBHOOK_SECRET, toleranceS: 300 });
    const body = JSON.stringify({ type: 'payment.succeeded', data: { providerPaymentId: 'tp_not_recorded', amountMinor: 100, currency: 'EUR' } });
    const headers = { 'content-type': 'application/json', ...signer.sign('msg_unknown_payment', Buffer.from(body)) };
    const answer = await post({ headers, body });
    expect(answer.statusCode).toBe(409);
    const { rows } = await pool.query("SELECT 1 FROM payment_webhook_deliveries WHERE delivery_id = 'msg_unknown_payment'");
    expect(rows).toHaveLength(0);
  });

  it('refunds a payment confirmed after its order stopped waiting (cancelled meanwhile); the order stays cancelled', async () => {
    const order = await freshOrder(capturing);
    const delivery = await capturedConfirmation(order);
    expect((await capturing.inject({ method: 'POST', url: `/v1/orders/${order.id}/cancel`, headers: orderAuth(order.accessToken) })).statusCode).toBe(200);
    expect((await post(delivery)).json()).toEqual({ processed: true });
    expect(await statusOf(pool, order.id)).toBe('cancelled');
    const { rows } = await pool.query<{ status: string; refunded: boolean }>('SELECT status, provider_refund_id IS NOT NULL AS refunded FROM payments WHERE order_id = $1', [order.id]);
    expect(rows).toEqual([{ status: 'refunded', refunded: true }]);
  });

  it('cancelling a paid order refunds its payment through the provider', async () => {
    const order = await freshOrder(live);
    expect((await pay(live, order, TEST_CARDS.success)).statusCode).toBe(202);
    await waitForStatus(pool, order.id, 'paid');
    const cancelled = await live.inject({ method: 'POST', url: `/v1/orders/${order.id}/cancel`, headers: orderAuth(order.accessToken) });
    expect(cancelled.statusCode).toBe(200);
    expect(cancelled.json()).toMatchObject({ status: 'cancelled' });
    const { rows } = await pool.query<{ status: string }>('SELECT status FROM payments WHERE order_id = $1', [order.id]);
    expect(rows).toEqual([{ status: 'refunded' }]);
    const { rows: audit } = await pool.query<{ action: string }>("SELECT action FROM audit_log WHERE subject_type = 'payment' ORDER BY id DESC LIMIT 1");
    expect(audit[0]?.action).toBe('payment.refunded');
  });
});
