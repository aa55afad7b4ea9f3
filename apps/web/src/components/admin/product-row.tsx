'use client';

import type { Product } from '@livecart/schemas/product';
import Link from 'next/link';
import { useLiveProduct } from '@/lib/live/hooks';
import { formatMoney } from '@/lib/money';
import { useChangeCount } from '@/lib/use-change-count';
import styles from './admin.module.css';

/** One product for a viewer: live price and stock, no form. */
export function ProductRow({ initial }: { initial: Product }) {
  const { product, deleted } = useLiveProduct(initial);
  const changes = useChangeCount(product.version);
  return (
    <tr data-testid="admin-row" data-product-id={product.id} className={deleted ? styles.deleted : undefined}>
      <th scope="row">
        <span key={changes} className={changes ? 'live-flash' : undefined}>
          <Link href={`/products/${product.id}`}>{product.name}</Link>
        </span>
        <span className={styles.sku}>
          {product.sku} · v{product.version}
        </span>
      </th>
      <td>{product.category}</td>
      <td data-testid="row-price" data-minor={product.priceMinor}>
        {formatMoney(product.priceMinor, product.currency)}
      </td>
      <td data-testid="row-stock">{product.stock}</td>
      <td />
    </tr>
  );
}
