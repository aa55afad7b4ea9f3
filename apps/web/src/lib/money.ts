import { type Currency, MAX_MINOR_AMOUNT } from '@livecart/schemas/common';
import { CURRENCY_EXPONENTS } from '@livecart/schemas/currencies';

/** Fixed so the server render and the browser agree on every digit (no hydration mismatch). */
const LOCALE = 'en-US';

/** The catalog's price filters are entered in this currency's major units. */
export const STORE_CURRENCY: Currency = 'EUR';

const formatters = new Map<Currency, Intl.NumberFormat>();

function formatterFor(currency: Currency): Intl.NumberFormat {
  let formatter = formatters.get(currency);
  if (!formatter) {
    const digits = CURRENCY_EXPONENTS[currency];
    formatter = new Intl.NumberFormat(LOCALE, {
      style: 'currency',
      currency,
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    });
    formatters.set(currency, formatter);
  }
  return formatter;
}

/** Integer minor units as an exact decimal string ("1234", EUR → "12.34"), never through a float. */
export function minorToDecimal(minor: number, currency: Currency): string {
  const exponent = CURRENCY_EXPONENTS[currency];
  const digits = String(Math.abs(minor)).padStart(exponent + 1, '0');
  const sign = minor < 0 ? '-' : '';
  if (exponent === 0) return `${sign}${digits}`;
  return `${sign}${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}

export function formatMoney(minor: number, currency: Currency): string {
  // Intl formats a decimal string exactly (Intl.NumberFormat v3), so large amounts keep every digit.
  return formatterFor(currency).format(minorToDecimal(minor, currency) as unknown as number);
}

/**
 * Parses "12", "12.3" or "12.34" (major units, '.' or ',' as the separator) into integer minor units.
 * Returns null for anything else, including more decimals than the currency has.
 */
export function parseMoney(input: string, currency: Currency): number | null {
  const exponent = CURRENCY_EXPONENTS[currency];
  const match = /^(\d{1,13})(?:[.,](\d*))?$/.exec(input.trim());
  if (!match) return null;
  const whole = match[1] ?? '0';
  const fraction = match[2] ?? '';
  if (fraction.length > exponent) return null;
  const minor = Number(whole + fraction.padEnd(exponent, '0'));
  return Number.isSafeInteger(minor) && minor <= MAX_MINOR_AMOUNT ? minor : null;
}
