import { describe, expect, it } from 'vitest';
import { formatMoney, minorToDecimal, parseMoney } from './money';

describe('minorToDecimal', () => {
  it('places the point by the currency exponent', () => {
    expect(minorToDecimal(1234, 'EUR')).toBe('12.34');
    expect(minorToDecimal(5, 'EUR')).toBe('0.05');
    expect(minorToDecimal(1234, 'JPY')).toBe('1234');
    expect(minorToDecimal(1234, 'KWD')).toBe('1.234');
  });
});

describe('formatMoney', () => {
  it('formats with the currency symbol and exact digits', () => {
    expect(formatMoney(1999, 'EUR')).toBe('€19.99');
    expect(formatMoney(1500, 'JPY')).toBe('¥1,500');
    expect(formatMoney(1_000_000_000_000, 'USD')).toBe('$10,000,000,000.00');
  });
});

describe('parseMoney', () => {
  it('reads major units into integer minor units', () => {
    expect(parseMoney('12.34', 'EUR')).toBe(1234);
    expect(parseMoney('12,3', 'EUR')).toBe(1230);
    expect(parseMoney(' 7 ', 'EUR')).toBe(700);
    expect(parseMoney('1500', 'JPY')).toBe(1500);
  });

  it('refuses malformed input and excess precision', () => {
    expect(parseMoney('12.345', 'EUR')).toBeNull();
    expect(parseMoney('1.5', 'JPY')).toBeNull();
    expect(parseMoney('-1', 'EUR')).toBeNull();
    expect(parseMoney('abc', 'EUR')).toBeNull();
    expect(parseMoney('', 'EUR')).toBeNull();
    expect(parseMoney('99999999999999', 'EUR')).toBeNull();
  });
});
