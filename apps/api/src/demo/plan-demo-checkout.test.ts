import { describe, expect, it } from 'vitest';
import { planDemoCheckout, type DemoShelfItem } from './plan-demo-checkout.js';

function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

const shelf: DemoShelfItem[] = Array.from({ length: 24 }, (_, i) => ({ id: `p${i}`, stock: 5, available: i % 4 }));

describe('planDemoCheckout', () => {
  it('fills a cart with 1-3 distinct products that have units left, never more than are available', () => {
    for (let seed = 1; seed < 300; seed++) {
      const visit = planDemoCheckout({ products: shelf, chance: 1, random: seeded(seed) });
      expect(visit).not.toBeNull();
      const ids = visit!.lines.map((line) => line.id);
      expect(ids.length).toBeGreaterThanOrEqual(1);
      expect(ids.length).toBeLessThanOrEqual(3);
      expect(new Set(ids).size).toBe(ids.length);
      for (const line of visit!.lines) {
        const available = shelf.find((product) => product.id === line.id)!.available!;
        expect(line.quantity).toBeGreaterThanOrEqual(1);
        expect(line.quantity).toBeLessThanOrEqual(available);
      }
    }
  });

  it('pays with a mix of the test cards: mostly success, some delayed, a few declined', () => {
    const counts = { success: 0, delayed: 0, decline: 0 };
    const random = seeded(11);
    for (let i = 0; i < 2_000; i++) counts[planDemoCheckout({ products: shelf, chance: 1, random })!.card]++;
    expect(counts.success).toBeGreaterThan(counts.delayed);
    expect(counts.delayed).toBeGreaterThan(counts.decline);
    expect(counts.decline).toBeGreaterThan(100);
  });

  it('brings a shopper only at the given chance, and none when nothing is left', () => {
    const random = seeded(5);
    const visits = Array.from({ length: 1_000 }, () => planDemoCheckout({ products: shelf, chance: 0.1, random })).filter((visit) => visit !== null);
    expect(visits.length).toBeGreaterThan(50);
    expect(visits.length).toBeLessThan(150);
    expect(planDemoCheckout({ products: shelf.map((p) => ({ ...p, available: 0 })), chance: 1, random: seeded(1) })).toBeNull();
    expect(planDemoCheckout({ products: shelf, chance: 0, random: seeded(1) })).toBeNull();
  });
});
