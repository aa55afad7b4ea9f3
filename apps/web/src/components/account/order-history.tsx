import type { OrderPage } from '@livecart/schemas/order';
import Link from 'next/link';
import styles from '@/components/cart/cart.module.css';
import { STATUS_TEXT } from '@/components/order/order-summary';
import { formatMoney } from '@/lib/money';

const DATE = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });

/** The customer's orders, newest first, each linking to its (live) order page. */
export function OrderHistory({ page, olderHref }: { page: OrderPage; olderHref: string | null }) {
  return (
    <section aria-labelledby="order-history-heading" data-testid="order-history">
      <h2 id="order-history-heading">Your orders</h2>
      {page.items.length === 0 ? (
        <p data-testid="order-history-empty">No orders yet.</p>
      ) : (
        <ul className={styles.lines}>
          {page.items.map((order) => {
            const units = order.items.reduce((sum, item) => sum + item.quantity, 0);
            return (
              <li key={order.id} className={styles.line} data-testid="order-history-item" data-order-id={order.id} data-status={order.status}>
                <div>
                  <h3 className={styles.lineName}>
                    <Link href={`/orders/${order.id}`}>Order {order.id.slice(0, 8)}</Link>
                  </h3>
                  <p>
                    {DATE.format(new Date(order.createdAt))} UTC · {units} {units === 1 ? 'item' : 'items'} · {STATUS_TEXT[order.status]}
                  </p>
                </div>
                <div className={styles.lineTotal}>{formatMoney(order.totalMinor, order.currency)}</div>
              </li>
            );
          })}
        </ul>
      )}
      {olderHref === null ? null : (
        <p>
          <Link href={olderHref}>Older orders</Link>
        </p>
      )}
    </section>
  );
}
