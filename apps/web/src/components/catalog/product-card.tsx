'use client';

import type { Product } from '@livecart/schemas/product';
import Link from 'next/link';
import { useLiveProduct } from '@/lib/live/hooks';
import { availableOf } from '@/lib/stock';
import { AddToCartForm } from '../cart/add-to-cart-form';
import { PriceTag } from '../product/price-tag';
import { ProductImage } from '../product/product-image';
import { StockBadge } from '../product/stock-badge';
import styles from './product-card.module.css';

export function ProductCard({ initial }: { initial: Product }) {
  const { product, deleted } = useLiveProduct(initial);
  return (
    <li className={styles.card} data-testid="product-card" data-product-id={product.id} aria-disabled={deleted || undefined}>
      <ProductImage name={product.name} category={product.category} />
      <div className={styles.body}>
        <p className={styles.category}>{product.category}</p>
        <h2 className={styles.name}>
          <Link href={`/products/${product.id}`} className={styles.link}>
            {product.name}
          </Link>
        </h2>
        <div className={styles.meta}>
          <PriceTag minor={product.priceMinor} currency={product.currency} />
          {deleted ? <span className={styles.gone}>No longer available</span> : <StockBadge stock={availableOf(product)} />}
        </div>
        {deleted ? null : <AddToCartForm productId={product.id} productName={product.name} available={availableOf(product)} />}
      </div>
    </li>
  );
}
