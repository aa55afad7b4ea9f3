'use client';

import type { Cart } from '@livecart/schemas/cart';
import type { Product } from '@livecart/schemas/product';
import Link from 'next/link';
import { useActionState, useEffect, useRef, useState } from 'react';
import { type CheckoutField, type CheckoutState, checkOutAndPay } from '@/app/checkout/actions';
import { CartView } from '@/components/cart/cart-view';
import type { LineState } from '@/lib/cart-line-state';
import { newIdempotencyKey } from '@/lib/idempotency';
import { formatMoney } from '@/lib/money';
import { PriceChangeNotice } from './price-change-notice';
import { TestCardHint } from './test-card-hint';
import styles from './checkout.module.css';

interface Props {
  cart: Cart;
  products: readonly Product[];
  /** The signed-in customer's email, to prefill. */
  email: string;
  showTestCards: boolean;
}

const FIELD_LABELS: Record<CheckoutField, string> = { email: 'Email', cardNumber: 'Card number' };

/**
 * The checkout: the cart, live as on the cart page (its lines and totals follow price and stock changes),
 * and the form that confirms the total shown and pays. A line that is sold out or short of units blocks
 * the submit until the shopper fixes it in the cart.
 */
export function CheckoutForm({ cart: initial, products, email, showTestCards }: Props) {
  const [state, dispatch, pending] = useActionState<CheckoutState, FormData>(checkOutAndPay, { status: 'idle' });
  const [cart, setCart] = useState<Cart | null>(initial);
  const [lineStates, setLineStates] = useState<ReadonlyMap<string, LineState>>(new Map());
  // Controlled, so that React's reset of a form after its action leaves them for a second attempt.
  const [emailValue, setEmailValue] = useState(email);
  const [cardNumber, setCardNumber] = useState('');
  // The cart as it was when the shopper confirmed it: what a refusal's new prices are compared with.
  const [confirmedCart, setConfirmedCart] = useState<Cart | null>(null);
  // The attempt in progress: its key is kept while its outcome is unknown, so "Try again" replays it.
  const attempt = useRef<{ key: string; totalMinor: number } | null>(null);
  const summary = useRef<HTMLDivElement>(null);

  const errors = state.status === 'invalid' ? state.errors : {};
  const errorCount = Object.keys(errors).length;
  useEffect(() => {
    if (state.status !== 'idle') summary.current?.focus();
  }, [state]);

  const blocked = cart === null ? [] : cart.lines.filter((line) => {
    const stock = lineStates.get(line.productId)?.stock;
    return stock?.kind === 'sold_out' || stock?.kind === 'low';
  });
  const empty = cart === null || cart.lines.length === 0;
  const total = cart?.totalMinor ?? 0;
  const currency = cart?.currency ?? initial.currency ?? initial.lines[0]?.currency ?? 'EUR';

  function submit(formData: FormData) {
    const retrying = state.status === 'retryable' && attempt.current?.totalMinor === total;
    if (!retrying) attempt.current = { key: newIdempotencyKey(), totalMinor: total };
    formData.set('idempotencyKey', attempt.current!.key);
    formData.set('expectedTotalMinor', String(total));
    setConfirmedCart(cart);
    dispatch(formData);
  }

  return (
    <div className={styles.layout}>
      <section aria-labelledby="checkout-items-heading" className={styles.items}>
        <h2 id="checkout-items-heading">Your items</h2>
        <CartView initial={initial} products={products} editable={false} onCart={setCart} onLineStates={setLineStates} paused={pending} latest={state.status === 'price_changed' ? state.cart : undefined} />
        {empty ? null : (
          <p>
            <Link href="/cart">Change your cart</Link>
          </p>
        )}
      </section>

      <form action={submit} className={styles.form} aria-labelledby="checkout-pay-heading" noValidate>
        <h2 id="checkout-pay-heading">Contact and payment</h2>
        <div ref={summary} tabIndex={-1} className={styles.summary} data-testid="checkout-result" data-status={state.status}>
          {errorCount > 0 ? (
            <div role="alert" className={styles.error}>
              <p>
                <strong>
                  {errorCount === 1 ? 'One field needs' : `${errorCount} fields need`} your attention:
                </strong>
              </p>
              <ul>
                {(Object.keys(errors) as CheckoutField[]).map((field) => (
                  <li key={field}>
                    <a href={`#checkout-${field}`}>
                      {FIELD_LABELS[field]}: {errors[field]}
                    </a>
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
          {state.status === 'price_changed' ? <PriceChangeNotice confirmed={confirmedCart ?? { lines: [], totalMinor: state.confirmedTotalMinor }} current={state.cart} /> : null}
          {state.status === 'cart_empty' || state.status === 'out_of_stock' || state.status === 'retryable' || state.status === 'refused' ? (
            <p role="alert" className={state.status === 'retryable' ? styles.warn : styles.error}>
              {state.message} {state.status === 'cart_empty' || state.status === 'out_of_stock' ? <Link href="/cart">Go to your cart</Link> : null}
            </p>
          ) : null}
        </div>

        <div className={styles.field}>
          <label htmlFor="checkout-email">Email</label>
          <input
            id="checkout-email"
            name="email"
            type="email"
            autoComplete="email"
            required
            value={emailValue}
            onChange={(event) => setEmailValue(event.target.value)}
            aria-invalid={errors.email ? true : undefined}
            aria-describedby={errors.email ? 'checkout-email-error' : 'checkout-email-hint'}
          />
          {errors.email ? (
            <p id="checkout-email-error" className={styles.fieldError}>
              {errors.email}
            </p>
          ) : (
            <p id="checkout-email-hint" className={styles.hint}>
              To reach you about this order. This shop sends no email yet: keep the order page&apos;s link.
            </p>
          )}
        </div>

        <div className={styles.field}>
          <label htmlFor="checkout-cardNumber">Card number</label>
          <input
            id="checkout-cardNumber"
            name="cardNumber"
            inputMode="numeric"
            autoComplete="cc-number"
            required
            value={cardNumber}
            onChange={(event) => setCardNumber(event.target.value)}
            aria-invalid={errors.cardNumber ? true : undefined}
            aria-describedby={errors.cardNumber ? 'checkout-cardNumber-error' : showTestCards ? 'test-cards' : undefined}
          />
          {errors.cardNumber ? (
            <p id="checkout-cardNumber-error" className={styles.fieldError}>
              {errors.cardNumber}
            </p>
          ) : null}
          {showTestCards ? <TestCardHint id="test-cards" /> : null}
        </div>

        {blocked.length > 0 ? (
          <p role="alert" className={styles.error} data-testid="checkout-blocked">
            {blocked.map((line) => line.name).join(', ')} {blocked.length === 1 ? 'is' : 'are'} no longer available in the quantity in your cart.{' '}
            <Link href="/cart">Change your cart</Link> to check out.
          </p>
        ) : null}

        <p className={styles.total} aria-live="polite" aria-atomic="true">
          To pay <strong data-testid="checkout-total">{formatMoney(total, currency)}</strong>
        </p>
        <button type="submit" className={styles.submit} disabled={pending || empty || blocked.length > 0} data-testid="place-order">
          {pending ? 'Placing your order…' : state.status === 'price_changed' ? `Confirm new total and pay ${formatMoney(total, currency)}` : state.status === 'retryable' ? 'Try again' : `Pay ${formatMoney(total, currency)}`}
        </button>
      </form>
    </div>
  );
}
