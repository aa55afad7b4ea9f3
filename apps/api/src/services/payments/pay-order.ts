import { randomUUID } from 'node:crypto';
import { cardDigits, type Actor, type Currency, type Payment } from '@livecart/schemas';
import type pg from 'pg';
import { recordChanges } from '../../db/record-changes.js';
import { withTransaction } from '../../db/transaction.js';
import { ConflictError, PaymentDeclinedError } from '../../domain/errors.js';
import { checkTransition, lockOrderStatus } from '../orders/transition-order.js';
import { PAYMENT_COLUMNS } from './payment-sql.js';
import type { PaymentProvider } from './provider.js';

export interface PayOrderOptions {
  pool: pg.Pool;
  provider: PaymentProvider;
  orderId: string;
  cardNumber: string;
  actor: Actor;
}

/**
 * Starts paying an order that waits for its payment: asks the provider, records the attempt (with the
 * provider's id) and answers it `pending`; the order becomes `paid` when the provider's webhook confirms.
 * A declined card is recorded as a failed attempt and answered 402; the order keeps waiting. While one
 * attempt waits for its confirmation, another is refused (409): a shopper double-clicking pays once.
 */
export async function payOrder(options: PayOrderOptions): Promise<Payment> {
  const digits = cardDigits(options.cardNumber);
  const result = await withTransaction(options.pool, async (client) => {
    const status = await lockOrderStatus(client, options.orderId);
    checkTransition(status, 'confirm_payment');
    const { rows: waiting } = await client.query("SELECT 1 FROM payments WHERE order_id = $1 AND status = 'pending' LIMIT 1", [options.orderId]);
    if (waiting.length > 0) throw new ConflictError('a payment of this order is waiting for its confirmation', [{ field: 'status', message: 'pending_payment' }]);
    const { rows: orders } = await client.query<{ total_minor: number; currency: Currency }>('SELECT total_minor, currency FROM orders WHERE id = $1', [options.orderId]);
    const { total_minor: amountMinor, currency } = orders[0] as { total_minor: number; currency: Currency };
    const paymentId = randomUUID();

    const created = await options.provider.createPayment({ paymentId, orderId: options.orderId, amountMinor, currency, cardNumber: digits });
    const recorded = created.outcome === 'declined' ? 'failed' : 'pending';
    const { rows } = await client.query<Payment>(
      `INSERT INTO payments (id, order_id, provider, provider_payment_id, status, amount_minor, currency, card_last4)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${PAYMENT_COLUMNS}`,
      [paymentId, options.orderId, options.provider.name, created.providerPaymentId, recorded, amountMinor, currency, digits.slice(-4)],
    );
    const payment = rows[0] as Payment;
    await recordChanges(client, options.actor, [
      {
        action: created.outcome === 'declined' ? 'payment.declined' : 'payment.created',
        subject: { type: 'payment', id: payment.id },
        change: [
          { field: 'orderId', from: null, to: options.orderId },
          { field: 'status', from: null, to: payment.status },
          { field: 'amountMinor', from: null, to: amountMinor },
        ],
      },
    ]);
    return { payment, declined: created.outcome === 'declined' ? created.reason : undefined };
  });
  if (result.declined !== undefined) {
    throw new PaymentDeclinedError(`the payment was declined: ${result.declined}; the order still waits for a payment`, [{ field: 'body.cardNumber', message: 'was declined' }]);
  }
  return result.payment;
}
