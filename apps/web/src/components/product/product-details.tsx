'use client';

import type { Product } from '@livecart/schemas/product';
import { useLiveProduct } from '@/lib/live/hooks';
import { availableOf } from '@/lib/stock';
import { AddToCartForm } from '../cart/add-to-cart-form';
import { BuyForm } from './buy-form';
import { PriceTag } from './price-tag';
import styles from './product-details.module.css';
import { ProductImage } from './product-image';
import { StockBadge } from './stock-badge';

export function ProductDetails({ initial }: { initial: Product }) {
  const { product, deleted } = useLiveProduct(initial);
  return (
    <article className={styles.layout} data-testid="product-details" data-product-id={product.id}>
      <ProductImage name={product.name} category={product.category} large />
      <div className={styles.info}>
        <p className={styles.category}>{product.category}</p>
        <h1 className={styles.name}>{product.name}</h1>
        <div className={styles.priceRow}>
          <PriceTag minor={product.priceMinor} currency={product.currency} large />
          {deleted ? null : <StockBadge stock={availableOf(product)} />}
        </div>
        {deleted ? (
          <p className={styles.gone} role="status">
            This product has been removed from the shop.
          </p>
        ) : (
          <>
            <AddToCartForm productId={product.id} productName={product.name} available={availableOf(product)} withQuantity />
            <BuyForm productId={product.id} productName={product.name} stock={availableOf(product)} />
          </>
        )}
        {product.description ? <p className={styles.description}>{product.description}</p> : null}
        <dl className={styles.facts}>
          <dt>SKU</dt>
          <dd>{product.sku}</dd>
          <dt>Units left</dt>
          <dd data-testid="stock-count">{product.stock}</dd>
        </dl>
      </div>
    </article>
  );
}
