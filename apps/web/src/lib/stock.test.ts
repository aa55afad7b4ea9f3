import { describe, expect, it } from 'vitest';
import { availableOf, LOW_STOCK_THRESHOLD, stockLabel, stockState } from './stock';

describe('stockState', () => {
  it('says sold out at zero, "only N left" up to the threshold, in stock above it', () => {
    expect(stockState(0)).toEqual({ kind: 'sold_out' });
    expect(stockState(1)).toEqual({ kind: 'low', left: 1 });
    expect(stockState(LOW_STOCK_THRESHOLD)).toEqual({ kind: 'low', left: LOW_STOCK_THRESHOLD });
    expect(stockState(LOW_STOCK_THRESHOLD + 1)).toEqual({ kind: 'in_stock' });
  });

  it('labels each state for people', () => {
    expect(stockLabel(0)).toBe('Sold out');
    expect(stockLabel(3)).toBe('Only 3 left');
    expect(stockLabel(40)).toBe('In stock');
  });
});

describe('availableOf', () => {
  it('shows what shoppers may still buy, and stock where an older event has no available', () => {
    expect(availableOf({ stock: 10, available: 3 })).toBe(3);
    expect(availableOf({ stock: 10, available: 0 })).toBe(0);
    expect(availableOf({ stock: 7 })).toBe(7);
  });
});
