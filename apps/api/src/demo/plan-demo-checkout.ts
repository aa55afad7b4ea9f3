import type { TEST_CARDS } from '@livecart/schemas';

/** A product as the demo shopper sees it: what is left for a new cart. */
export interface DemoShelfItem {
  id: string;
  /** Units no cart holds (stock − holds); absent in answers older than holds: then the stock. */
  available?: number | undefined;
  stock: number;
}

export type DemoCard = keyof typeof TEST_CARDS;

/** One demo shopper's visit: fill a cart with these lines, check out and pay with this test card. */
export interface DemoCheckout {
  lines: { id: string; quantity: number }[];
  card: DemoCard;
}

export interface PlanDemoCheckoutOptions {
  products: readonly DemoShelfItem[];
  /** Probability that this tick brings a shopper at all. */
  chance: number;
  random?: () => number;
}

/** Most of the demo's payments go through; some wait for a late confirmation, a few are declined. */
const CARD_MIX: readonly [DemoCard, number][] = [
  ['success', 0.6],
  ['delayed', 0.25],
  ['decline', 0.15],
];

const MAX_LINES = 3;

function pickCard(random: () => number): DemoCard {
  let roll = random();
  for (const [card, weight] of CARD_MIX) {
    if (roll < weight) return card;
    roll -= weight;
  }
  return 'success';
}

/**
 * Now and then a shopper: one to three distinct products with units left, one or two of each (never more
 * than is available), and a test card from the mix. Null when no shopper comes or nothing is left.
 */
export function planDemoCheckout(options: PlanDemoCheckoutOptions): DemoCheckout | null {
  const random = options.random ?? Math.random;
  if (random() >= options.chance) return null;
  const shelf = options.products.filter((product) => (product.available ?? product.stock) > 0);
  if (shelf.length === 0) return null;
  const wanted = 1 + Math.floor(random() * MAX_LINES);
  const lines: DemoCheckout['lines'] = [];
  const taken = new Set<number>();
  for (let i = 0; i < wanted && taken.size < shelf.length; i++) {
    const index = Math.floor(random() * shelf.length);
    if (taken.has(index)) continue;
    taken.add(index);
    const product = shelf[index] as DemoShelfItem;
    lines.push({ id: product.id, quantity: Math.min(product.available ?? product.stock, 1 + Math.floor(random() * 2)) });
  }
  return { lines, card: pickCard(random) };
}
