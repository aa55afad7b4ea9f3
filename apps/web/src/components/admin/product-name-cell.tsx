import type { Product } from '@livecart/schemas/product';
import Link from 'next/link';
import styles from './admin.module.css';

/** The row heading every admin product row starts with: name (flashing on each live change), sku, version. */
export function ProductNameCell({ product, changes }: { product: Product; changes: number }) {
  return (
    <th scope="row">
      <span key={changes} className={changes ? 'live-flash' : undefined}>
        <Link href={`/products/${product.id}`}>{product.name}</Link>
      </span>
      <span className={styles.sku}>
        {product.sku} · v{product.version}
      </span>
    </th>
  );
}
