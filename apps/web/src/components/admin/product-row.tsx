'use client';

import type { Product } from '@livecart/schemas/product';
import { useLiveProduct } from '@/lib/live/hooks';
import { formatMoney } from '@/lib/money';
import { useChangeCount } from '@/lib/use-change-count';
import styles from './admin.module.css';
import { ProductNameCell } from './product-name-cell';

/** One product for a viewer: live price and stock, no form. */
export function ProductRow({ initial }: { initial: Product }) {
  const { product, deleted } = useLiveProduct(initial);
  const changes = useChangeCount(product.version);
  return (
    <tr data-testid="admin-row" data-product-id={product.id} className={deleted ? styles.deleted : undefined}>
      <ProductNameCell product={product} changes={changes} />
      <td>{product.category}</td>
      <td data-testid="row-price" data-minor={product.priceMinor}>
        {formatMoney(product.priceMinor, product.currency)}
      </td>
      <td data-testid="row-stock">{product.stock}</td>
      <td />
    </tr>
  );
}
