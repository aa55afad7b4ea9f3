import { describe, expect, it } from 'vitest';
import { CurrencySchema } from './common.js';
import { CURRENCY_CODES, CURRENCY_EXPONENTS } from './currencies.js';

describe('currencies are ISO 4217', () => {
  it('lists each code once, as three capital letters', () => {
    expect(new Set(CURRENCY_CODES).size).toBe(CURRENCY_CODES.length);
    for (const code of CURRENCY_CODES) expect(code).toMatch(/^[A-Z]{3}$/);
  });

  it('lists only codes the ICU currency database knows', () => {
    const known = new Set(Intl.supportedValuesOf('currency'));
    expect(CURRENCY_CODES.filter((code) => !known.has(code))).toEqual([]);
  });

  it.each([
    ['EUR', 2],
    ['USD', 2],
    ['GBP', 2],
    ['JPY', 0],
    ['KRW', 0],
    ['CLP', 0],
    ['ISK', 0],
    ['KWD', 3],
    ['BHD', 3],
    ['TND', 3],
    ['IQD', 3],
  ] as const)('uses the ISO 4217 minor unit of %s (%d decimals)', (code, exponent) => {
    expect(CURRENCY_EXPONENTS[code]).toBe(exponent);
  });

  it('accepts the codes and defaults shops use', () => {
    for (const code of ['EUR', 'USD', 'JPY', 'CHF', 'SLE', 'ZWG']) {
      expect(CurrencySchema.safeParse(code).success).toBe(true);
    }
  });

  it.each(['eur', 'EURO', '€', '', 'XXX', 'XAU', 'HRK', 'SLL', 'VEF', 'ZWL', 'BYR'])(
    'rejects %j (not an active currency code)',
    (code) => {
      expect(CurrencySchema.safeParse(code).success).toBe(false);
    },
  );
});
