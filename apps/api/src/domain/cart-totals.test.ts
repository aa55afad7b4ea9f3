import { describe, expect, it } from 'vitest';
import { DomainError } from './errors.js';
import { cartTotals, type PricedLine } from './cart-totals.js';

const line = (overrides: Partial<PricedLine> = {}): PricedLine => ({
  productId: '5b0f3c1e-7a2d-4e8f-9a1b-2c3d4e5f6a7b',
  sku: 'SKU-1',
  name: 'Kettle',
  quantity: 1,
  unitPriceMinor: 1_999,
  currency: 'EUR',
  available: 5,
  heldUntil: null,
  ...overrides,
});

function refusal(work: () => unknown): DomainError {
  try {
    work();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('not refused');
}

describe('cartTotals', () => {
  it('sums line totals and units in integer minor units', () => {
    const totals = cartTotals('EUR', [line({ quantity: 3, unitPriceMinor: 1_999 }), line({ productId: 'b', quantity: 2, unitPriceMinor: 5 })]);
    expect(totals.lines.map((l) => l.lineTotalMinor)).toEqual([5_997, 10]);
    expect(totals.itemCount).toBe(5);
    expect(totals.totalMinor).toBe(6_007);
  });

  it('gives an empty cart zero totals', () => {
    expect(cartTotals(null, [])).toEqual({ lines: [], itemCount: 0, totalMinor: 0 });
  });

  it('refuses a line in another currency with 409, naming the line', () => {
    const error = refusal(() => cartTotals('EUR', [line(), line({ productId: 'usd-line', currency: 'USD' })]));
    expect(error.statusCode).toBe(409);
    expect(error.details).toEqual([{ field: 'lines[usd-line].currency', message: 'is USD, not EUR' }]);
  });

  it('refuses a total beyond exact integers with 422 instead of rounding it', () => {
    const error = refusal(() => cartTotals('EUR', [line({ quantity: 99, unitPriceMinor: 1_000_000_000_000 }), ...Array.from({ length: 99 }, (_, i) => line({ productId: `p${i}`, quantity: 99, unitPriceMinor: 1_000_000_000_000 }))]));
    expect(error.statusCode).toBe(422);
    expect(error.details?.[0]?.field).toBe('lines');
  });
});
