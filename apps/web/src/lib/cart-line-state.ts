import type { CartLine } from '@livecart/schemas/cart';

export type LineStock = { kind: 'held' } | { kind: 'available' } | { kind: 'low'; left: number } | { kind: 'sold_out' };

export interface LineState {
  /** The price the shopper was shown first and the product's price now, when they differ. */
  priceChange: { from: number; to: number } | null;
  stock: LineStock;
}

/**
 * What a cart line needs to tell the shopper, from the line as the API last answered and the product's
 * newest known state (live). A held line's units are the cart's whatever happens to `available`; once its
 * hold lapsed, the units it wants must still be available.
 */
export function cartLineState(line: Pick<CartLine, 'quantity' | 'heldUntil'>, live: { priceMinor: number; available: number }, shownPriceMinor: number): LineState {
  const priceChange = live.priceMinor === shownPriceMinor ? null : { from: shownPriceMinor, to: live.priceMinor };
  if (line.heldUntil !== null) return { priceChange, stock: { kind: 'held' } };
  if (live.available <= 0) return { priceChange, stock: { kind: 'sold_out' } };
  if (live.available < line.quantity) return { priceChange, stock: { kind: 'low', left: live.available } };
  return { priceChange, stock: { kind: 'available' } };
}
