import { randomBytes } from 'node:crypto';
import { TEST_CARDS, type Currency, type PaymentWebhook } from '@livecart/schemas';
import type pg from 'pg';
import { UnprocessableError } from '../../domain/errors.js';
import type { Log } from '../../log.js';
import type { CreatePaymentRequest, CreatePaymentResult, PaymentProvider } from './provider.js';
import type { WebhookSignature } from './webhook-signature.js';

export interface TestProviderOptions {
  signature: WebhookSignature;
  /** Where confirmations are POSTed (resolved at each delivery: the api's own address is known once it listens). */
  webhookUrl: () => string | undefined;
  /** How long the delayed-confirmation card waits before its webhook. */
  delayMs: number;
  log: Log;
  /** Waits between delivery attempts; a delivery is given up after the last. */
  retryDelaysMs?: readonly number[];
  /**
   * Where the provider finds its payments again: every `everyMs`, pending test payments whose confirmation
   * is more than `graceMs` overdue are confirmed once more. Without it, a confirmation scheduled by an
   * instance that stopped is lost.
   */
  recovery?: { pool: pg.Pool; everyMs: number; graceMs: number };
}

const RETRY_DELAYS_MS = [250, 1_000, 3_000, 10_000];
const DELIVERY_TIMEOUT_MS = 5_000;

const newId = (prefix: string) => `${prefix}_${randomBytes(12).toString('base64url')}`;

/**
 * Pending test payments whose confirmation should have arrived: `graceMs` after they were made (plus
 * `delayMs` for the delayed-confirmation card, told apart by its last four digits).
 */
const OVERDUE = `
  SELECT provider_payment_id AS "providerPaymentId", amount_minor::float8 AS "amountMinor", currency
  FROM payments
  WHERE status = 'pending' AND provider = 'test'
    AND created_at < now() - make_interval(secs => ((CASE WHEN card_last4 = $1 THEN $2 ELSE 0 END) + $3) / 1000.0)
  ORDER BY created_at LIMIT 100`;

/**
 * The built-in offline provider. Cards (TEST_CARDS): success is confirmed at once, delayed confirmation
 * after `delayMs`, decline is refused on the spot; any other number is refused as not a test card. A
 * confirmation is a signed webhook POSTed to the API over HTTP, as a real provider's would be, retried
 * until it is answered 2xx (an answer of 409, say, while the payment is not recorded yet) or the retries
 * run out. Deliveries are scheduled in this process; like a real provider, which keeps retrying from its
 * side, the provider on every instance also confirms again the pending test payments that are overdue
 * (`recovery`), so one whose instance stopped or was killed before delivering is still confirmed. The
 * API acts once per payment whatever the number of deliveries.
 */
export function createTestProvider(options: TestProviderOptions): PaymentProvider {
  const timers = new Set<NodeJS.Timeout>();
  const retryDelays = options.retryDelaysMs ?? RETRY_DELAYS_MS;
  let closed = false;

  const later = (ms: number, run: () => void) => {
    if (closed) return;
    const timer = setTimeout(() => {
      timers.delete(timer);
      run();
    }, ms);
    timer.unref();
    timers.add(timer);
  };

  const deliver = (body: PaymentWebhook, deliveryId: string, attempt: number): void => {
    void (async () => {
      const url = options.webhookUrl();
      let status: number | undefined;
      if (url !== undefined) {
        const bytes = Buffer.from(JSON.stringify(body));
        try {
          const response = await fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...options.signature.sign(deliveryId, bytes) },
            body: bytes,
            signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
          });
          status = response.status;
          await response.body?.cancel();
        } catch {
          // Unreachable or timed out: retried like a 5xx.
        }
      }
      if (status !== undefined && status >= 200 && status < 300) return;
      const retryable = status === undefined || status === 409 || status === 429 || status >= 500;
      const delay = retryDelays[attempt];
      if (!retryable || delay === undefined) {
        options.log.warn({ deliveryId, status, attempts: attempt + 1, type: body.type }, 'test payment webhook not delivered; giving up');
        return;
      }
      later(delay, () => deliver(body, deliveryId, attempt + 1));
    })();
  };

  const recover = async (pool: pg.Pool, graceMs: number): Promise<void> => {
    try {
      const { rows } = await pool.query<{ providerPaymentId: string; amountMinor: number; currency: Currency }>(OVERDUE, [TEST_CARDS.delayed.slice(-4), options.delayMs, graceMs]);
      for (const row of rows) deliver({ type: 'payment.succeeded', data: row }, newId('msg'), retryDelays.length);
    } catch (error) {
      options.log.warn({ err: error }, 'test payments: could not look for overdue confirmations; the next look retries');
    }
  };
  if (options.recovery !== undefined) {
    const { pool, everyMs, graceMs } = options.recovery;
    const sweep = setInterval(() => void recover(pool, graceMs), everyMs);
    sweep.unref();
    timers.add(sweep);
  }

  return {
    name: 'test',
    async createPayment(request: CreatePaymentRequest): Promise<CreatePaymentResult> {
      const providerPaymentId = newId('tp');
      const body: PaymentWebhook = { type: 'payment.succeeded', data: { providerPaymentId, amountMinor: request.amountMinor, currency: request.currency } };
      switch (request.cardNumber) {
        case TEST_CARDS.success:
          later(0, () => deliver(body, newId('msg'), 0));
          return { outcome: 'pending', providerPaymentId };
        case TEST_CARDS.delayed:
          later(options.delayMs, () => deliver(body, newId('msg'), 0));
          return { outcome: 'pending', providerPaymentId };
        case TEST_CARDS.decline:
          return { outcome: 'declined', providerPaymentId, reason: 'the card was declined' };
        default:
          throw new UnprocessableError('the test provider takes only its test cards', [
            { field: 'body.cardNumber', message: `use ${TEST_CARDS.success} (success), ${TEST_CARDS.delayed} (delayed confirmation) or ${TEST_CARDS.decline} (decline)` },
          ]);
      }
    },
    async refund() {
      return { providerRefundId: newId('tr') };
    },
    verifyWebhook: (delivery) => options.signature.verify(delivery),
    close() {
      closed = true;
      for (const timer of timers) clearInterval(timer);
      timers.clear();
    },
  };
}
