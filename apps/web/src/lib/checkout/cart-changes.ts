import type { Cart } from '@livecart/schemas/cart';

export type LineChange =
  | { kind: 'price'; productId: string; name: string; from: number; to: number }
  | { kind: 'quantity'; productId: string; name: string; from: number; to: number }
  | { kind: 'removed'; productId: string; name: string }
  | { kind: 'added'; productId: string; name: string };

export interface CartChanges {
  /** The total the shopper confirmed and the one that holds now, when they differ. */
  total: { from: number; to: number } | null;
  /** What changed per line, in the order of the cart the shopper saw (then lines that are new). */
  lines: LineChange[];
}

/**
 * What changed between the cart a shopper confirmed and the cart as it is now (a checkout refused with
 * PRICE_CHANGED answers it): each line's price or quantity old → new, lines gone or new, and the total.
 * The numbers are the API's; this only lines them up.
 */
export function cartChanges(confirmed: Pick<Cart, 'lines' | 'totalMinor'>, current: Pick<Cart, 'lines' | 'totalMinor'>): CartChanges {
  const now = new Map(current.lines.map((line) => [line.productId, line]));
  const lines: LineChange[] = [];
  for (const before of confirmed.lines) {
    const after = now.get(before.productId);
    const { productId, name } = before;
    if (after === undefined) {
      lines.push({ kind: 'removed', productId, name });
      continue;
    }
    if (after.unitPriceMinor !== before.unitPriceMinor) lines.push({ kind: 'price', productId, name, from: before.unitPriceMinor, to: after.unitPriceMinor });
    if (after.quantity !== before.quantity) lines.push({ kind: 'quantity', productId, name, from: before.quantity, to: after.quantity });
  }
  const seen = new Set(confirmed.lines.map((line) => line.productId));
  for (const line of current.lines) if (!seen.has(line.productId)) lines.push({ kind: 'added', productId: line.productId, name: line.name });
  const total = confirmed.totalMinor === current.totalMinor ? null : { from: confirmed.totalMinor, to: current.totalMinor };
  return { total, lines };
}
