/** What the demo changes in one tick; pure so it can be tested without a database. */
export interface DemoProduct {
  id: string;
  priceMinor: number;
  stock: number;
}

export type DemoAction =
  | { kind: 'reprice'; id: string; priceMinor: number }
  | { kind: 'restock'; id: string; stock: number }
  | { kind: 'order'; id: string; quantity: number };

export interface PlanDemoStepOptions {
  products: readonly DemoProduct[];
  /** How many products change per tick. */
  changes: number;
  /** Probability that this tick also places an order. */
  orderChance: number;
  random?: () => number;
}

const MIN_PRICE_MINOR = 99;

function pick<T>(items: readonly T[], random: () => number): T | undefined {
  return items[Math.floor(random() * items.length)];
}

/**
 * Prices move by up to ±8 % (whole minor units, never below 0.99), stock by a few units; sold-out
 * products get restocked now and then so the catalog keeps showing every stock state.
 */
export function planDemoStep(options: PlanDemoStepOptions): DemoAction[] {
  const random = options.random ?? Math.random;
  const actions: DemoAction[] = [];
  const touched = new Set<string>();
  for (let i = 0; i < options.changes; i++) {
    const product = pick(options.products, random);
    if (product === undefined || touched.has(product.id)) continue;
    touched.add(product.id);
    if (product.stock === 0 || random() < 0.3) {
      const stock = product.stock === 0 ? 1 + Math.floor(random() * 12) : Math.max(0, product.stock + Math.floor(random() * 7) - 4);
      actions.push({ kind: 'restock', id: product.id, stock });
    } else {
      const factor = 1 + (random() * 0.16 - 0.08);
      actions.push({ kind: 'reprice', id: product.id, priceMinor: Math.max(MIN_PRICE_MINOR, Math.round(product.priceMinor * factor)) });
    }
  }
  if (random() < options.orderChance) {
    const inStock = options.products.filter((product) => product.stock > 0 && !touched.has(product.id));
    const product = pick(inStock, random);
    if (product !== undefined) actions.push({ kind: 'order', id: product.id, quantity: 1 });
  }
  return actions;
}
