'use client';

import { CART_MAX_LINE_QUANTITY } from '@livecart/schemas/cart';
import Link from 'next/link';
import { useActionState, useId, useState } from 'react';
import { type AddToCartState, addToCart } from '@/app/cart/actions';
import { prepareCart } from '@/lib/shopper/prepare-cart';
import styles from './cart.module.css';

/**
 * Add to cart; with `withQuantity` (the product page) a quantity field, else one unit (catalog cards). A
 * pointer on the button, or focus, opens the cart ahead of the click (see prepareCart).
 */
export function AddToCartForm({ productId, productName, available, withQuantity = false }: { productId: string; productName: string; available: number; withQuantity?: boolean }) {
  const [state, dispatch, pending] = useActionState<AddToCartState, FormData>(addToCart, { status: 'idle' });
  const [quantity, setQuantity] = useState(1);
  const id = useId();
  const soldOut = available <= 0;
  const max = Math.max(1, Math.min(available, CART_MAX_LINE_QUANTITY));
  return (
    <form action={dispatch} className={styles.addForm} aria-describedby={`${id}-result`}>
      <input type="hidden" name="productId" value={productId} />
      {withQuantity ? (
        <>
          <label htmlFor={`${id}-quantity`}>Quantity</label>
          <input
            id={`${id}-quantity`}
            name="quantity"
            type="number"
            inputMode="numeric"
            min={1}
            max={max}
            value={quantity}
            onChange={(e) => setQuantity(Number(e.target.value))}
            disabled={soldOut || pending}
            className={styles.quantity}
          />
        </>
      ) : (
        <input type="hidden" name="quantity" value={1} />
      )}
      <button
        type="submit"
        className={styles.add}
        disabled={soldOut || pending}
        onPointerEnter={soldOut ? undefined : prepareCart}
        onFocus={soldOut ? undefined : prepareCart}
        data-testid="add-to-cart"
        aria-label={withQuantity ? undefined : `Add ${productName} to cart`}>
        {soldOut ? 'Sold out' : pending ? 'Adding…' : 'Add to cart'}
      </button>
      <div id={`${id}-result`} aria-live="polite" data-testid="add-to-cart-result" data-status={state.status} className={styles.addResult}>
        {state.status === 'ok' ? (
          <>
            Added. <Link href="/cart">View cart ({state.itemCount})</Link>
          </>
        ) : state.status === 'error' ? (
          <span role="alert" className={styles.error}>
            {state.message}
          </span>
        ) : null}
      </div>
    </form>
  );
}
