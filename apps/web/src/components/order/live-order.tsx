'use client';

import type { Order } from '@livecart/schemas/order';
import { orderTopic } from '@livecart/schemas/topics';
import { useActionState, useEffect, useRef } from 'react';
import { type PayState, payForOrder } from '@/app/orders/[id]/actions';
import { TestCardHint } from '@/components/checkout/test-card-hint';
import styles from '@/components/checkout/checkout.module.css';
import { PAYMENT_OUTCOME_TEXT, type PaymentOutcome } from '@/lib/checkout/payment-outcome';
import { useLiveOrder, useTopicRefused } from '@/lib/live/hooks';
import { OrderSummary } from './order-summary';

interface Props {
  url: string;
  order: Order;
  seq: number | null;
  epoch: string | null;
  /** The order's link token, when the page was opened through it. */
  link?: string;
  /** The whole link, to show a guest so they can come back. */
  linkUrl: string | null;
  /** How the checkout's payment attempt ended, when the page was reached from it. */
  payment: PaymentOutcome | null;
  showTestCards: boolean;
}

/**
 * An order whose status follows its private topic live (paid, fulfilled, cancelled, expired appear without
 * reload), with another try at paying while it waits for its payment.
 */
export function LiveOrder({ url, order: initial, seq, epoch, link, linkUrl, payment, showTestCards }: Props) {
  const order = useLiveOrder({ url, order: initial, seq, epoch, ...(link ? { link } : {}) });
  const notLive = useTopicRefused(orderTopic(order.id));
  const waiting = order.status === 'pending_payment';
  return (
    <>
      <OrderSummary order={order} />
      {notLive ? (
        <p role="status" className={styles.hint} data-testid="order-not-live">
          This order’s status no longer updates by itself here. Reload the page to see its latest status.
        </p>
      ) : null}
      {waiting && payment !== null ? (
        <p role={payment === 'sent' ? 'status' : 'alert'} className={payment === 'sent' ? styles.hint : styles.error} data-testid="payment-outcome" data-outcome={payment}>
          {PAYMENT_OUTCOME_TEXT[payment]}
        </p>
      ) : null}
      {waiting && payment !== 'sent' ? <PayForm orderId={order.id} link={link} showTestCards={showTestCards} /> : null}
      {linkUrl === null ? null : (
        <section aria-labelledby="order-link-heading" className={styles.hint} data-testid="order-link">
          <h2 id="order-link-heading">Keep this link</h2>
          <p>It opens this order from any browser until it expires; anyone holding it can see the order.</p>
          <p>
            <a href={linkUrl} className={styles.link}>
              {linkUrl}
            </a>
          </p>
        </section>
      )}
    </>
  );
}

function PayForm({ orderId, link, showTestCards }: { orderId: string; link: string | undefined; showTestCards: boolean }) {
  const [state, dispatch, pending] = useActionState<PayState, FormData>(payForOrder, { status: 'idle' });
  const result = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (state.status !== 'idle') result.current?.focus();
  }, [state]);
  const message = state.status === 'idle' ? null : state.status === 'invalid' ? state.message : PAYMENT_OUTCOME_TEXT[state.status];
  return (
    <form action={dispatch} className={styles.form} aria-labelledby="pay-heading" noValidate>
      <h2 id="pay-heading">Pay this order</h2>
      <input type="hidden" name="orderId" value={orderId} />
      {link ? <input type="hidden" name="token" value={link} /> : null}
      <div className={styles.field}>
        <label htmlFor="pay-cardNumber">Card number</label>
        <input id="pay-cardNumber" name="cardNumber" inputMode="numeric" autoComplete="cc-number" required aria-describedby={showTestCards ? 'pay-test-cards' : undefined} aria-invalid={state.status === 'invalid' ? true : undefined} />
        {showTestCards ? <TestCardHint id="pay-test-cards" /> : null}
      </div>
      {message === null ? null : (
        <p ref={result} tabIndex={-1} role={state.status === 'sent' ? 'status' : 'alert'} className={state.status === 'sent' ? styles.hint : styles.error} data-testid="pay-result" data-status={state.status}>
          {message}
        </p>
      )}
      <button type="submit" className={styles.submit} disabled={pending || state.status === 'sent'} data-testid="pay-order">
        {pending ? 'Paying…' : 'Pay'}
      </button>
    </form>
  );
}
