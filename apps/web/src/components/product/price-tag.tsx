'use client';

import type { Currency } from '@livecart/schemas/common';
import { formatMoney } from '@/lib/money';
import { useChangeCount } from '@/lib/use-change-count';
import styles from './price-tag.module.css';

/** The price, highlighted for a moment whenever it changes live; announced politely to screen readers. */
export function PriceTag({ minor, currency, large = false }: { minor: number; currency: Currency; large?: boolean }) {
  const changes = useChangeCount(minor);
  return (
    <span className={large ? `${styles.price} ${styles.large}` : styles.price} aria-live="polite" aria-atomic="true">
      <span key={changes} className={changes ? 'live-flash' : undefined} data-testid="price" data-minor={minor}>
        {formatMoney(minor, currency)}
      </span>
    </span>
  );
}
