import type { RoundingMode } from '@livecart/schemas';
import { describe, expect, it } from 'vitest';
import { applyPriceChange } from './price-change.js';

const percent = (price: number, value: string, rounding: RoundingMode = 'half_up') => applyPriceChange(price, { kind: 'percent', percent: value }, rounding);

describe('applyPriceChange', () => {
  it('applies a percentage with up to two decimals', () => {
    expect(percent(1_000, '10')).toBe(1_100);
    expect(percent(1_000, '+10')).toBe(1_100);
    expect(percent(1_000, '-10')).toBe(900);
    expect(percent(1_000, '0.01')).toBe(1_000); // 1000.1
    expect(percent(999, '2.5')).toBe(1_024); // 1023.975
    expect(percent(10_000, '-0.5')).toBe(9_950);
  });

  it.each<[RoundingMode, number, number, number, number]>([
    // 1.5 (half), 2.5 (half), 1.25, 1.75
    ['half_up', 2, 3, 1, 2],
    ['half_even', 2, 2, 1, 2],
    ['down', 1, 2, 1, 1],
    ['up', 2, 3, 2, 2],
  ])('rounds with %s', (mode, fromOneAndAHalf, fromTwoAndAHalf, fromOneAndAQuarter, fromOneAndThreeQuarters) => {
    expect(percent(1, '50', mode)).toBe(fromOneAndAHalf);
    expect(percent(5, '-50', mode)).toBe(fromTwoAndAHalf);
    expect(percent(5, '-75', mode)).toBe(fromOneAndAQuarter);
    expect(percent(7, '-75', mode)).toBe(fromOneAndThreeQuarters);
  });

  it('stays exact at the largest prices, where a float would not', () => {
    expect(percent(999_999_999_999, '-0.01')).toBe(999_899_999_999); // …999.0001
    expect(percent(999_999_999_999, '0.01', 'up')).toBe(1_000_099_999_999); // over the maximum: the caller refuses it
    expect(percent(1_000_000_000_000, '-33.33', 'down')).toBe(666_700_000_000);
  });

  it('returns results at or below zero unclamped, for the caller to refuse', () => {
    expect(percent(500, '-100')).toBe(0);
    expect(percent(500, '-150')).toBe(-250);
    expect(percent(1, '-99.99', 'down')).toBe(0);
  });

  it('adds or takes a fixed amount', () => {
    expect(applyPriceChange(1_000, { kind: 'amount', amountMinor: 250, currency: 'EUR' }, 'half_up')).toBe(1_250);
    expect(applyPriceChange(1_000, { kind: 'amount', amountMinor: -1_000, currency: 'EUR' }, 'half_up')).toBe(0);
  });
});
