'use client';

import type { Cart, CartLine } from '@livecart/schemas/cart';
import type { Product } from '@livecart/schemas/product';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useCallback, useEffect, useMemo, useRef, useState, useTransition } from 'react';
import { changeLineQuantity, removeLine } from '@/app/cart/actions';
import { type LineState, cartLineState } from '@/lib/cart-line-state';
import { useLiveProduct, usePrivateEvents } from '@/lib/live/hooks';
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
  /** Told what each line now says (held, only N left, sold out, a new price), e.g. for checkout to refuse a sold-out line. */
  onLineStates?: (states: ReadonlyMap<string, LineState>) => void;
  /** While true, the cart's own events are not shown (a checkout under way removes the cart). */
  paused?: boolean;
  /** A newer cart the page got from the API otherwise (a refused checkout answers the cart as it is now). */
  latest?: Cart;
}

/**
 * The cart, kept live: a change to one of its products (an event on `product:<id>`) shows at once in its
 * line (old → new price, only N left, sold out) and the page asks the API for the cart again, so the
 * totals are always the API's. A change of the cart itself made elsewhere (another tab or device, a hold
 * that lapsed: `cart.updated` on its private topic, which the page subscribes) replaces it as it comes.
 */
export function CartView({ initial, products, editable = true, onCart, onLineStates, paused = false, latest }: Props) {
  const [cart, setCart] = useState<Cart | null>(initial);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const shownPrices = useRef(new Map(initial.lines.map((line) => [line.productId, line.unitPriceMinor])));
  const seeds = useMemo(() => new Map(products.map((product) => [product.id, product])), [products]);
  const refresh = useCartRefresh(setCart);
  const router = useRouter();
  const [lineStates, setLineStates] = useState<ReadonlyMap<string, LineState>>(new Map());
  const reportLine = useCallback((productId: string, state: LineState) => {
    setLineStates((states) => {
      const held = states.get(productId);
      if (held !== undefined && sameLineState(held, state)) return states;
      return new Map(states).set(productId, state);
    });
  }, []);

  useEffect(() => onCart?.(cart), [cart, onCart]);
  useEffect(() => {
    if (latest !== undefined) setCart((shown) => (shown === null || Date.parse(latest.updatedAt) >= Date.parse(shown.updatedAt) ? latest : shown));
  }, [latest]);
  useEffect(() => {
    if (cart === null) return;
    const present = new Set(cart.lines.map((line) => line.productId));
    const current = new Map([...lineStates].filter(([productId]) => present.has(productId)));
    onLineStates?.(current);
  }, [cart, lineStates, onLineStates]);

  usePrivateEvents((event) => {
    if (paused || event.type !== 'cart.updated' || event.data.id !== initial.id) return;
    const next = event.data;
    // The API's own answer to an action of this page may be newer than an event still on its way.
    setCart((shown) => (shown === null || Date.parse(next.updatedAt) >= Date.parse(shown.updatedAt) ? next : shown));
    for (const line of next.lines) if (!shownPrices.current.has(line.productId)) shownPrices.current.set(line.productId, line.unitPriceMinor);
    // A line added elsewhere: render again, so its product is read and followed live like the others.
    if (next.lines.some((line) => !seeds.has(line.productId))) router.refresh();
  });

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
          const row = { line, shownPriceMinor: shown, editable, pending, onState: reportLine, onQuantity: (q: number) => act(() => changeLineQuantity(line.productId, q)), onRemove: () => act(() => removeLine(line.productId)) };
          return seed ? <LiveCartLine key={line.productId} seed={seed} onChange={refresh} {...row} /> : <StaticCartLine key={line.productId} {...row} />;
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
      {editable ? (
        <p className={styles.checkout}>
          {/* A document load: the checkout starts from the cart as the server reads it now (and the proxy's check). */}
          <a href="/checkout" className={styles.checkoutLink} data-testid="go-to-checkout">
            Check out
          </a>
        </p>
      ) : null}
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

/** Line states are small plain values: equal when they say the same. */
function sameLineState(a: LineState, b: LineState): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

interface RowProps {
  line: CartLine;
  shownPriceMinor: number;
  editable: boolean;
  pending: boolean;
  onState: (productId: string, state: LineState) => void;
  onQuantity: (quantity: number) => void;
  onRemove: () => void;
}

function LiveCartLine({ seed, onChange, ...row }: RowProps & { seed: Product; onChange: () => void }) {
  const { product } = useLiveProduct(seed);
  const firstVersion = useRef(product.version);
  useEffect(() => {
    if (product.version > firstVersion.current) onChange();
  }, [product.version, onChange]);
  const { line, shownPriceMinor } = row;
  // Kept while its inputs are the same: the row reports it upwards only when it changes.
  const state = useMemo(() => cartLineState(line, { priceMinor: product.priceMinor, available: availableOf(product) }, shownPriceMinor), [line, product, shownPriceMinor]);
  return <CartLineRow state={state} {...row} />;
}

/** A line whose product the page has not read (deleted, or added elsewhere until the page renders again): the cart's own numbers. */
function StaticCartLine(row: RowProps) {
  const { line, shownPriceMinor } = row;
  const state = useMemo(() => cartLineState(line, { priceMinor: line.unitPriceMinor, available: line.available }, shownPriceMinor), [line, shownPriceMinor]);
  return <CartLineRow state={state} {...row} />;
}

function CartLineRow({ line, state, editable, pending, onState, onQuantity, onRemove }: RowProps & { state: LineState }) {
  const [quantity, setQuantity] = useState(line.quantity);
  // `state` is memoized by the caller: this runs when what the line says changes, not on every render.
  useEffect(() => onState(line.productId, state), [line.productId, state, onState]);
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
