'use client';

import type { Cart, CartLine } from '@livecart/schemas/cart';
import type { Product } from '@livecart/schemas/product';
import Link from 'next/link';
import { useCallback, useEffect, useMemo, useRef, useState, useTransition } from 'react';
import { changeLineQuantity, removeLine } from '@/app/cart/actions';
import { type LineState, cartLineState } from '@/lib/cart-line-state';
import { useLiveProduct } from '@/lib/live/hooks';
import { formatMoney } from '@/lib/money';
import { availableOf } from '@/lib/stock';
import styles from './cart.module.css';

interface Props {
  initial: Cart;
  /** The lines' products as the server read them (seeds of the live store); a deleted one is absent. */
  products: readonly Product[];
  /** A checkout page would show the lines without editing them. */
  editable?: boolean;
  /** Told whenever the cart the page shows changes (e.g. checkout's expected total). */
  onCart?: (cart: Cart | null) => void;
}

/**
 * The cart, kept live: a change to one of its products (an event on `product:<id>`) shows at once in its
 * line (old → new price, only N left, sold out) and the page asks the API for the cart again, so the
 * totals are always the API's.
 */
export function CartView({ initial, products, editable = true, onCart }: Props) {
  const [cart, setCart] = useState<Cart | null>(initial);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const shownPrices = useRef(new Map(initial.lines.map((line) => [line.productId, line.unitPriceMinor])));
  const seeds = useMemo(() => new Map(products.map((product) => [product.id, product])), [products]);
  const refresh = useCartRefresh(setCart);

  useEffect(() => onCart?.(cart), [cart, onCart]);

  const act = (run: () => ReturnType<typeof removeLine>) =>
    startTransition(async () => {
      const result = await run();
      setError(result.status === 'error' ? result.message : null);
      if (result.cart !== null || result.status === 'ok') setCart(result.cart);
    });

  if (cart === null || cart.lines.length === 0) {
    return (
      <section className="state-panel" data-testid="cart-empty">
        <h2>Your cart is empty</h2>
        <Link href="/">Browse the catalog</Link>
      </section>
    );
  }
  const currency = cart.currency ?? cart.lines[0]!.currency;
  return (
    <section aria-labelledby="cart-lines-heading" data-testid="cart" data-cart-id={cart.id}>
      <h2 id="cart-lines-heading" className="visually-hidden">
        Items
      </h2>
      <ul className={styles.lines}>
        {cart.lines.map((line) => {
          const seed = seeds.get(line.productId);
          const shown = shownPrices.current.get(line.productId) ?? line.unitPriceMinor;
          const row = { line, shownPriceMinor: shown, editable, pending, onQuantity: (q: number) => act(() => changeLineQuantity(line.productId, q)), onRemove: () => act(() => removeLine(line.productId)) };
          return seed ? <LiveCartLine key={line.productId} seed={seed} onChange={refresh} {...row} /> : <CartLineRow key={line.productId} state={cartLineState(line, { priceMinor: line.unitPriceMinor, available: line.available }, shown)} {...row} />;
        })}
      </ul>
      {error === null ? null : (
        <p role="alert" className={styles.error}>
          {error}
        </p>
      )}
      <div className={styles.summary}>
        <span>
          {cart.itemCount} {cart.itemCount === 1 ? 'item' : 'items'}
        </span>
        <span aria-live="polite" aria-atomic="true">
          Total <strong data-testid="cart-total">{formatMoney(cart.totalMinor, currency)}</strong>
        </span>
      </div>
    </section>
  );
}

/** One refetch at a time through `/api/cart`; changes arriving meanwhile cause one more. */
function useCartRefresh(setCart: (cart: Cart | null) => void): () => void {
  const state = useRef({ running: false, again: false });
  const run = useCallback(async () => {
    const s = state.current;
    if (s.running) {
      s.again = true;
      return;
    }
    s.running = true;
    try {
      do {
        s.again = false;
        const response = await fetch('/api/cart', { cache: 'no-store' });
        if (response.ok) setCart(((await response.json()) as { cart: Cart | null }).cart);
      } while (s.again);
    } catch {
      // The live line already shows the change; the totals catch up with the next change or action.
    } finally {
      s.running = false;
    }
  }, [setCart]);
  return useCallback(() => void run(), [run]);
}

interface RowProps {
  line: CartLine;
  shownPriceMinor: number;
  editable: boolean;
  pending: boolean;
  onQuantity: (quantity: number) => void;
  onRemove: () => void;
}

function LiveCartLine({ seed, onChange, ...row }: RowProps & { seed: Product; onChange: () => void }) {
  const { product } = useLiveProduct(seed);
  const firstVersion = useRef(product.version);
  useEffect(() => {
    if (product.version > firstVersion.current) onChange();
  }, [product.version, onChange]);
  const state = cartLineState(row.line, { priceMinor: product.priceMinor, available: availableOf(product) }, row.shownPriceMinor);
  return <CartLineRow state={state} {...row} />;
}

function CartLineRow({ line, state, editable, pending, onQuantity, onRemove }: RowProps & { state: LineState }) {
  const [quantity, setQuantity] = useState(line.quantity);
  useEffect(() => setQuantity(line.quantity), [line.quantity]);
  const inputId = `quantity-${line.productId}`;
  return (
    <li className={styles.line} data-testid="cart-line" data-product-id={line.productId} data-stock={state.stock.kind}>
      <div>
        <h3 className={styles.lineName}>
          <Link href={`/products/${line.productId}`}>{line.name}</Link>
        </h3>
        <p>
          <span data-testid="line-unit-price">{formatMoney(line.unitPriceMinor, line.currency)}</span> each ·{' '}
          <StockNote state={state} />
        </p>
      </div>
      <div className={styles.lineTotal} data-testid="line-total">
        {formatMoney(line.lineTotalMinor, line.currency)}
      </div>
      {state.priceChange === null ? null : (
        <p className={styles.notice} role="status" data-testid="price-change">
          Price changed: <s>{formatMoney(state.priceChange.from, line.currency)}</s> → <strong>{formatMoney(state.priceChange.to, line.currency)}</strong>
        </p>
      )}
      {editable ? (
        <form
          className={styles.controls}
          onSubmit={(event) => {
            event.preventDefault();
            onQuantity(quantity);
          }}
        >
          <label htmlFor={inputId}>Quantity</label>
          <input id={inputId} type="number" inputMode="numeric" min={1} max={99} value={quantity} onChange={(e) => setQuantity(Number(e.target.value))} className={styles.quantity} disabled={pending} />
          <button type="submit" className={styles.secondary} disabled={pending || quantity === line.quantity}>
            Update
          </button>
          <button type="button" className={styles.secondary} onClick={onRemove} disabled={pending} aria-label={`Remove ${line.name}`}>
            Remove
          </button>
        </form>
      ) : (
        <p>Quantity {line.quantity}</p>
      )}
    </li>
  );
}

function StockNote({ state }: { state: LineState }) {
  const { stock } = state;
  const text = stock.kind === 'held' ? 'Reserved for you' : stock.kind === 'available' ? 'Available (no longer reserved)' : stock.kind === 'low' ? `Only ${stock.left} left` : 'Sold out';
  return (
    <span role="status" data-testid="line-stock" className={stock.kind === 'held' ? styles.held : stock.kind === 'available' ? undefined : styles.error}>
      {text}
    </span>
  );
}
