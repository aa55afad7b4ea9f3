import { describe, expect, it } from 'vitest';
import { cartLineState } from './cart-line-state';

const held = { quantity: 3, heldUntil: '2030-01-01T00:00:00.000Z' };
const lapsed = { quantity: 3, heldUntil: null };

describe('cartLineState', () => {
  it('reports a price that moved away from the one shown, old → new', () => {
    expect(cartLineState(held, { priceMinor: 1200, available: 10 }, 1000).priceChange).toEqual({ from: 1000, to: 1200 });
    expect(cartLineState(held, { priceMinor: 1000, available: 10 }, 1000).priceChange).toBeNull();
  });

  it('keeps a held line safe whatever others may still take', () => {
    expect(cartLineState(held, { priceMinor: 1000, available: 0 }, 1000).stock).toEqual({ kind: 'held' });
  });

  it('says sold out or only N left once the hold lapsed and too few units remain', () => {
    expect(cartLineState(lapsed, { priceMinor: 1000, available: 0 }, 1000).stock).toEqual({ kind: 'sold_out' });
    expect(cartLineState(lapsed, { priceMinor: 1000, available: 2 }, 1000).stock).toEqual({ kind: 'low', left: 2 });
    expect(cartLineState(lapsed, { priceMinor: 1000, available: 3 }, 1000).stock).toEqual({ kind: 'available' });
  });
});
