import type { PriceChange, RoundingMode } from '@livecart/schemas';

const BASIS = 10_000n;

/** "-10" → -1000, "2.5" → 250: the percentage in hundredths of a percent, exactly. */
function basisPoints(percent: string): bigint {
  const negative = percent.startsWith('-');
  const [whole = '0', fraction = ''] = percent.replace(/^[+-]/, '').split('.');
  const magnitude = BigInt(whole) * 100n + BigInt(fraction.padEnd(2, '0'));
  return negative ? -magnitude : magnitude;
}

/** numerator / denominator (denominator > 0, numerator ≥ 0) rounded to an integer as `mode` says. */
function divide(numerator: bigint, denominator: bigint, mode: RoundingMode): bigint {
  const quotient = numerator / denominator;
  const twiceRemainder = 2n * (numerator % denominator);
  switch (mode) {
    case 'down':
      return quotient;
    case 'up':
      return twiceRemainder > 0n ? quotient + 1n : quotient;
    case 'half_up':
      return twiceRemainder >= denominator ? quotient + 1n : quotient;
    case 'half_even':
      if (twiceRemainder === denominator) return quotient % 2n === 0n ? quotient : quotient + 1n;
      return twiceRemainder > denominator ? quotient + 1n : quotient;
  }
}

/**
 * The price `priceMinor` becomes under `change`, in integer minor units. BigInt keeps every step exact
 * for any price up to the maximum; a result at or below zero is returned as it is (for the caller to
 * refuse), never clamped.
 */
export function applyPriceChange(priceMinor: number, change: PriceChange, rounding: RoundingMode): number {
  if (change.kind === 'amount') return priceMinor + change.amountMinor;
  const scaled = BigInt(priceMinor) * (BASIS + basisPoints(change.percent));
  if (scaled <= 0n) return Number(scaled / BASIS);
  return Number(divide(scaled, BASIS, rounding));
}
