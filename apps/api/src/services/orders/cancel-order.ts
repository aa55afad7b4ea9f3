import type { Actor, Payment } from '@livecart/schemas';
import type pg from 'pg';
import { withTransaction } from '../../db/transaction.js';
import { PAYMENT_COLUMNS } from '../payments/payment-sql.js';
import type { PaymentProvider } from '../payments/provider.js';
import { refundPayment } from '../payments/refund-payment.js';
import { checkTransition, lockOrderStatus, transitionOrder, type TransitionedOrder } from './transition-order.js';

export interface CancelOrderOptions {
  pool: pg.Pool;
  /** The providers by name, to refund a paid order's payment through the one that took it. */
  providers: ReadonlyMap<string, PaymentProvider>;
  orderId: string;
  actor: Actor;
}

/**
 * Cancels an order that waits for its payment, or a paid one (refunding its payment through the provider
 * first), and gives its stock back; one transaction. A payment still waiting for its confirmation is
 * refunded when that confirmation arrives (the order no longer waits for it).
 */
export async function cancelOrder(options: CancelOrderOptions): Promise<TransitionedOrder> {
  return withTransaction(options.pool, async (client) => {
    const status = await lockOrderStatus(client, options.orderId);
    checkTransition(status, 'cancel');
    if (status === 'paid') {
      const { rows } = await client.query<Payment>(`SELECT ${PAYMENT_COLUMNS} FROM payments WHERE order_id = $1 AND status = 'succeeded' FOR UPDATE`, [options.orderId]);
      for (const payment of rows) {
        const provider = options.providers.get(payment.provider);
        if (provider === undefined) throw new Error(`no payment provider ${payment.provider} is configured to refund payment ${payment.id}`);
        await refundPayment({ client, provider, payment, actor: options.actor, reason: 'the order was cancelled' });
      }
    }
    return transitionOrder({ client, orderId: options.orderId, action: 'cancel', actor: options.actor });
  });
}
