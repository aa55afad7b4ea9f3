import { describe, expect, it } from 'vitest';
import { planDemoStep, type DemoProduct } from './plan-demo-step.js';

function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

const products: DemoProduct[] = Array.from({ length: 24 }, (_, i) => ({
  id: `p${i}`,
  priceMinor: 1_000 + i * 100,
  stock: i % 5,
}));

describe('planDemoStep', () => {
  it('changes distinct products by bounded amounts and never goes negative', () => {
    for (let seed = 1; seed < 200; seed++) {
      const actions = planDemoStep({ products, changes: 4, orderChance: 0.5, random: seeded(seed) });
      const ids = actions.map((action) => action.id);
      expect(new Set(ids).size).toBe(ids.length);
      for (const action of actions) {
        const before = products.find((product) => product.id === action.id)!;
        if (action.kind === 'reprice') {
          expect(Number.isInteger(action.priceMinor)).toBe(true);
          expect(Math.abs(action.priceMinor - before.priceMinor)).toBeLessThanOrEqual(Math.ceil(before.priceMinor * 0.08));
        }
        if (action.kind === 'restock') expect(action.stock).toBeGreaterThanOrEqual(0);
        if (action.kind === 'order') expect(before.stock).toBeGreaterThan(0);
      }
    }
  });

  it('restocks sold-out products instead of repricing them', () => {
    const soldOut = [{ id: 'x', priceMinor: 500, stock: 0 }];
    const actions = planDemoStep({ products: soldOut, changes: 1, orderChance: 0, random: seeded(7) });
    expect(actions).toEqual([{ kind: 'restock', id: 'x', stock: expect.any(Number) }]);
    expect((actions[0] as { stock: number }).stock).toBeGreaterThan(0);
  });

  it('places an order only when asked to and only for stock on hand', () => {
    const none = planDemoStep({ products, changes: 0, orderChance: 0, random: seeded(3) });
    expect(none).toEqual([]);
    const always = planDemoStep({ products, changes: 0, orderChance: 1, random: seeded(3) });
    expect(always).toHaveLength(1);
    expect(always[0]?.kind).toBe('order');
  });
});
