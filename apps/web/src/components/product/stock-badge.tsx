'use client';

import { stockLabel, stockState } from '@/lib/stock';
import { useChangeCount } from '@/lib/use-change-count';
import styles from './stock-badge.module.css';

/** In stock / only N left / sold out, highlighted when it changes live. */
export function StockBadge({ stock }: { stock: number }) {
  const changes = useChangeCount(stock);
  const kind = stockState(stock).kind;
  return (
    <span aria-live="polite" aria-atomic="true">
      <span key={changes} className={`${styles.badge} ${styles[kind]} ${changes ? 'live-flash' : ''}`} data-testid="stock" data-stock={stock}>
        {stockLabel(stock)}
      </span>
    </span>
  );
}
