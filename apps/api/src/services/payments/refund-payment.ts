import type { Actor, Payment } from '@livecart/schemas';
import type pg from 'pg';
import { recordChanges } from '../../db/record-changes.js';
import type { PaymentProvider } from './provider.js';

export interface RefundPaymentOptions {
  client: pg.PoolClient;
  provider: PaymentProvider;
  /** A succeeded payment, its row locked by the caller. */
  payment: Payment;
  actor: Actor;
  /** Why, for the audit log (`order cancelled`, `order no longer awaiting payment`). */
  reason: string;
}

/**
 * Gives a succeeded payment's money back through its provider and records it, in the caller's
 * transaction. The provider is asked first: if it refuses, nothing is recorded and the caller's
 * transaction rolls back. (A refund granted whose transaction then fails is left as the provider has it;
 * the test provider's refunds are bookkeeping only.)
 */
export async function refundPayment(options: RefundPaymentOptions): Promise<void> {
  const { client, payment } = options;
  const { providerRefundId } = await options.provider.refund({
    providerPaymentId: payment.providerPaymentId,
    amountMinor: payment.amountMinor,
    currency: payment.currency,
  });
  await client.query("UPDATE payments SET status = 'refunded', provider_refund_id = $2, updated_at = now() WHERE id = $1", [payment.id, providerRefundId]);
  await recordChanges(client, options.actor, [
    {
      action: 'payment.refunded',
      subject: { type: 'payment', id: payment.id },
      change: [
        { field: 'status', from: payment.status, to: 'refunded' },
        { field: 'reason', from: null, to: options.reason },
      ],
    },
  ]);
}
