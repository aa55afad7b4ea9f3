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
