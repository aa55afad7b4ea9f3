import type { CartLine } from '@livecart/schemas/cart';
import { describe, expect, it } from 'vitest';
import { cartChanges } from './cart-changes';

const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';
const C = '00000000-0000-4000-8000-00000000000c';

function line(productId: string, name: string, quantity: number, unitPriceMinor: number): CartLine {
  return { productId, sku: name.toUpperCase(), name, quantity, unitPriceMinor, currency: 'EUR', lineTotalMinor: quantity * unitPriceMinor, available: 5, heldUntil: null };
}

const cart = (...lines: CartLine[]) => ({ lines, totalMinor: lines.reduce((sum, l) => sum + l.lineTotalMinor, 0) });

describe('cartChanges', () => {
  it('names nothing when the cart is the one confirmed', () => {
    const same = cart(line(A, 'mug', 2, 1_000));
    expect(cartChanges(same, structuredClone(same))).toEqual({ total: null, lines: [] });
  });

  it('shows each repriced line old → new and the total old → new', () => {
    const changes = cartChanges(cart(line(A, 'mug', 2, 1_000), line(B, 'lamp', 1, 2_500)), cart(line(A, 'mug', 2, 1_200), line(B, 'lamp', 1, 2_500)));
    expect(changes).toEqual({ total: { from: 4_500, to: 4_900 }, lines: [{ kind: 'price', productId: A, name: 'mug', from: 1_000, to: 1_200 }] });
  });

  it('names lines gone, new and with another quantity, in the confirmed order then the new ones', () => {
    const changes = cartChanges(cart(line(A, 'mug', 2, 1_000), line(B, 'lamp', 3, 500)), cart(line(C, 'pen', 1, 100), line(B, 'lamp', 1, 400)));
    expect(changes.lines).toEqual([
      { kind: 'removed', productId: A, name: 'mug' },
      { kind: 'price', productId: B, name: 'lamp', from: 500, to: 400 },
      { kind: 'quantity', productId: B, name: 'lamp', from: 3, to: 1 },
      { kind: 'added', productId: C, name: 'pen' },
    ]);
    expect(changes.total).toEqual({ from: 3_500, to: 500 });
  });

  it('names a price change even when the total happens to come out the same', () => {
    const changes = cartChanges(cart(line(A, 'mug', 1, 1_000), line(B, 'lamp', 1, 1_000)), cart(line(A, 'mug', 1, 1_500), line(B, 'lamp', 1, 500)));
    expect(changes.total).toBeNull();
    expect(changes.lines.map((l) => l.kind)).toEqual(['price', 'price']);
  });
});
