import type { Product } from '@livecart/schemas/product';

/** At or below this many units a shopper sees "only N left". */
export const LOW_STOCK_THRESHOLD = 5;

export type StockState = { kind: 'in_stock' } | { kind: 'low'; left: number } | { kind: 'sold_out' };

export function stockState(stock: number): StockState {
  if (stock <= 0) return { kind: 'sold_out' };
  if (stock <= LOW_STOCK_THRESHOLD) return { kind: 'low', left: stock };
  return { kind: 'in_stock' };
}

export function stockLabel(stock: number): string {
  const state = stockState(stock);
  if (state.kind === 'sold_out') return 'Sold out';
  if (state.kind === 'low') return `Only ${state.left} left`;
  return 'In stock';
}

/**
 * What a shopper may still buy: stock less the units held in carts. Events written before the API sent
 * `available` carry only `stock`, which then was the same.
 */
export function availableOf(product: Pick<Product, 'stock' | 'available'>): number {
  return product.available ?? product.stock;
}
