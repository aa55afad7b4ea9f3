'use client';

import { useActionState, useRef, useState } from 'react';
import { type OrderState, placeOrder } from '@/app/products/[id]/actions';
import { newIdempotencyKey } from '@/lib/idempotency';
import { formatMoney } from '@/lib/money';
import styles from './buy-form.module.css';

/** Most a shopper can order in one go from this form. */
const MAX_PER_ORDER = 10;

export function BuyForm({ productId, productName, stock }: { productId: string; productName: string; stock: number }) {
  const [state, dispatch, pending] = useActionState<OrderState, FormData>(placeOrder, { status: 'idle' });
  const [quantity, setQuantity] = useState(1);
  // The key of the attempt in progress: kept while its outcome is unknown, so "Try again" replays it.
  const attempt = useRef<{ key: string; quantity: number } | null>(null);
  const soldOut = stock <= 0;
  const max = Math.max(1, Math.min(stock, MAX_PER_ORDER));
  const chosen = Math.min(quantity, max);

  function submit(formData: FormData) {
    const retrying = state.status === 'retryable' && attempt.current?.quantity === chosen;
    if (!retrying) attempt.current = { key: newIdempotencyKey(), quantity: chosen };
    formData.set('idempotencyKey', attempt.current!.key);
    dispatch(formData);
  }

  return (
    <form action={submit} className={styles.form} aria-describedby="order-result">
      <input type="hidden" name="productId" value={productId} />
      <div className={styles.row}>
        <label htmlFor="quantity">Quantity</label>
        <select id="quantity" name="quantity" value={chosen} onChange={(e) => setQuantity(Number(e.target.value))} disabled={soldOut || pending}>
          {Array.from({ length: max }, (_, i) => i + 1).map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
        <button type="submit" className={styles.buy} disabled={soldOut || pending} data-testid="buy-now">
          {soldOut ? 'Sold out' : pending ? 'Placing order…' : state.status === 'retryable' ? 'Try again' : 'Buy now'}
        </button>
      </div>
      <div id="order-result" aria-live="polite" data-testid="order-result" data-status={state.status}>
        <OrderMessage state={state} productName={productName} />
      </div>
    </form>
  );
}

function OrderMessage({ state, productName }: { state: OrderState; productName: string }) {
  if (state.status === 'idle') return null;
  if (state.status === 'ok') {
    return (
      <p className={`${styles.message} ${styles.ok}`}>
        Order placed: {state.quantity} × {productName}, total {formatMoney(state.totalMinor, state.currency)}.{' '}
        <span className={styles.ref}>Order {state.orderId.slice(0, 8)}</span>
      </p>
    );
  }
  const tone = state.status === 'retryable' ? styles.warn : styles.error;
  return (
    <p className={`${styles.message} ${tone}`} role="alert">
      {state.status === 'sold_out' ? <strong>Sold out. </strong> : null}
      {state.message}
    </p>
  );
}
