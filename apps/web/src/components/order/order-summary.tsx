import type { Order, OrderStatus } from '@livecart/schemas/order';
import { formatMoney } from '@/lib/money';
import styles from '@/components/cart/cart.module.css';

export const STATUS_TEXT: Record<OrderStatus, string> = {
  pending_payment: 'Awaiting payment',
  paid: 'Paid',
  fulfilled: 'Fulfilled',
  cancelled: 'Cancelled',
  expired: 'Expired (not paid in time)',
};

/** An order as the API answered it: status, lines, total and where its news go. */
export function OrderSummary({ order }: { order: Order }) {
  return (
    <section aria-labelledby="order-title" data-testid="order" data-order-id={order.id} data-status={order.status}>
      <h1 id="order-title">Order {order.id.slice(0, 8)}</h1>
      <p role="status" data-testid="order-status">
        {STATUS_TEXT[order.status]}
      </p>
      <ul className={styles.lines}>
        {order.items.map((item) => (
          <li key={item.productId} className={styles.line}>
            <span>
              {item.quantity} × {item.name}
            </span>
            <span className={styles.lineTotal}>{formatMoney(item.lineTotalMinor, order.currency)}</span>
          </li>
        ))}
      </ul>
      <p className={styles.summary}>
        Total <strong data-testid="order-total">{formatMoney(order.totalMinor, order.currency)}</strong>
      </p>
      {order.email ? (
        <p data-testid="order-email">
          News about this order go to <strong>{order.email}</strong>.
        </p>
      ) : null}
    </section>
  );
}
