import type { Cart } from '@livecart/schemas/cart';
import { cartChanges } from '@/lib/checkout/cart-changes';
import { formatMoney } from '@/lib/money';
import styles from './checkout.module.css';

/** A checkout refused because prices moved: each line old → new and the new total, to confirm again. */
export function PriceChangeNotice({ confirmed, current }: { confirmed: Pick<Cart, 'lines' | 'totalMinor'>; current: Cart }) {
  const { total, lines } = cartChanges(confirmed, current);
  const currency = current.currency ?? current.lines[0]?.currency ?? 'EUR';
  return (
    <div role="alert" className={styles.warn} data-testid="price-changed">
      <p>
        <strong>Prices changed since you confirmed.</strong> Check the new total and confirm again: nothing was charged.
      </p>
      <ul>
        {lines.map((line) => (
          <li key={`${line.kind}-${line.productId}`} data-testid="price-changed-line">
            {line.name}:{' '}
            {line.kind === 'price' ? (
              <>
                <s>{formatMoney(line.from, currency)}</s> → <strong>{formatMoney(line.to, currency)}</strong> each
              </>
            ) : line.kind === 'quantity' ? (
              `quantity ${line.from} → ${line.to}`
            ) : line.kind === 'removed' ? (
              'no longer in your cart'
            ) : (
              'new in your cart'
            )}
          </li>
        ))}
      </ul>
      {total === null ? null : (
        <p data-testid="price-changed-total">
          Total <s>{formatMoney(total.from, currency)}</s> → <strong>{formatMoney(total.to, currency)}</strong>
        </p>
      )}
    </div>
  );
}
