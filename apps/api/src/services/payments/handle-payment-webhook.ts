import type { Actor, Payment, PaymentWebhook, Product } from '@livecart/schemas';
import type pg from 'pg';
import { recordChanges } from '../../db/record-changes.js';
import { withTransaction } from '../../db/transaction.js';
import { ConflictError, UnprocessableError } from '../../domain/errors.js';
import type { Log } from '../../log.js';
import { lockOrderStatus, transitionOrder } from '../orders/transition-order.js';
import { PAYMENT_COLUMNS } from './payment-sql.js';
import type { PaymentProvider } from './provider.js';
import { refundPayment } from './refund-payment.js';

export interface HandlePaymentWebhookOptions {
  pool: pg.Pool;
  provider: PaymentProvider;
  /** The delivery's id (`webhook-id`): one delivery acts once, however often it arrives. */
  deliveryId: string;
  webhook: PaymentWebhook;
  log: Log;
}

export type WebhookOutcome =
  /** This delivery id was handled before: nothing done again. */
  | { kind: 'replayed' }
  /** The payment's outcome was already known (another delivery said it): nothing to do. */
  | { kind: 'unchanged' }
  | { kind: 'paid'; products: Product[] }
  | { kind: 'failed' }
  /** Confirmed for an order that no longer waited for it (cancelled, expired, or paid by another attempt): refunded. */
  | { kind: 'refunded' };

/**
 * Acts on a verified provider webhook, in one transaction with the record of its delivery id: a payment
 * confirmed moves its order to `paid` (its `order.paid` event and audit rows with it); a payment that
 * failed is recorded failed; a confirmation for an order that stopped waiting is refunded at once. A
 * webhook about a payment not recorded yet (it can outrun the commit of the attempt) is a 409, which
 * the provider retries.
 */
export async function handlePaymentWebhook(options: HandlePaymentWebhookOptions): Promise<WebhookOutcome> {
  const { provider, webhook } = options;
  const actor: Actor = { type: 'system', id: null, name: `payments:${provider.name}` };
  return withTransaction(options.pool, async (client): Promise<WebhookOutcome> => {
    const claimed = await client.query('INSERT INTO payment_webhook_deliveries (provider, delivery_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [provider.name, options.deliveryId]);
    if (claimed.rowCount === 0) return { kind: 'replayed' };

    const { rows } = await client.query<Payment>(`SELECT ${PAYMENT_COLUMNS} FROM payments WHERE provider = $1 AND provider_payment_id = $2`, [provider.name, webhook.data.providerPaymentId]);
    const found = rows[0];
    if (found === undefined) throw new ConflictError('no payment with this provider id is recorded (yet)', [{ field: 'body.data.providerPaymentId', message: 'is not known' }]);
    // The order first, then the payment: the order in the same lock order as paying and cancelling take.
    const orderStatus = await lockOrderStatus(client, found.orderId);
    const { rows: locked } = await client.query<Payment>(`SELECT ${PAYMENT_COLUMNS} FROM payments WHERE id = $1 FOR UPDATE`, [found.id]);
    const payment = locked[0] as Payment;
    if (payment.amountMinor !== webhook.data.amountMinor || payment.currency !== webhook.data.currency) {
      throw new UnprocessableError('the webhook names another amount than the payment', [{ field: 'body.data.amountMinor', message: `the payment is ${payment.amountMinor} ${payment.currency}` }]);
    }
    if (payment.status !== 'pending') {
      options.log.info({ paymentId: payment.id, status: payment.status, type: webhook.type }, 'payment webhook for a payment already settled');
      return { kind: 'unchanged' };
    }

    const to = webhook.type === 'payment.succeeded' ? 'succeeded' : 'failed';
    await client.query('UPDATE payments SET status = $2, updated_at = now() WHERE id = $1', [payment.id, to]);
    await recordChanges(client, actor, [
      { action: to === 'succeeded' ? 'payment.succeeded' : 'payment.declined', subject: { type: 'payment', id: payment.id }, change: [{ field: 'status', from: 'pending', to }] },
    ]);
    if (to === 'failed') return { kind: 'failed' };
    if (orderStatus !== 'pending_payment') {
      await refundPayment({ client, provider, payment: { ...payment, status: 'succeeded' }, actor, reason: `the order was ${orderStatus} when the payment was confirmed` });
      return { kind: 'refunded' };
    }
    const { products } = await transitionOrder({ client, orderId: payment.orderId, action: 'confirm_payment', actor });
    return { kind: 'paid', products };
  });
}
