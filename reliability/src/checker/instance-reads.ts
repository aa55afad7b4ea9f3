import { send } from './http.js';
import type { ProductSet, ProductState } from './products.js';

/**
 * Every product read from each api instance directly (not through the balancer), as that instance serves
 * it (its L1 first): a description of each answer that differs from Postgres's `truth`. After the history
 * went back, an instance that kept an L1 entry of the lost history would show here.
 */
export async function staleInstanceReads(
  instances: Readonly<Record<string, string>>,
  products: ProductSet,
  truth: ReadonlyMap<number, ProductState>,
): Promise<string[]> {
  const stale: string[] = [];
  for (const [name, url] of Object.entries(instances)) {
    for (const [product, expected] of truth) {
      const answer = await send(`${url}/v1/products/${products.id(product)}`, { timeoutMs: 10_000 });
      const body = answer.body as Partial<ProductState> | undefined;
      const shown = { version: Number(body?.version), priceMinor: Number(body?.priceMinor), stock: Number(body?.stock) };
      if (answer.status === 200 && shown.version === expected.version && shown.priceMinor === expected.priceMinor && shown.stock === expected.stock) continue;
      stale.push(`${name} serves product ${products.id(product)} as ${String(answer.status)} ${JSON.stringify(shown)}, Postgres has ${JSON.stringify(expected)}`);
    }
  }
  return stale;
}

/** The sum over `instances` of `outbox_history_regressions_total` (for one `reason`, or all): the new epochs their relays started. */
export async function countedRegressions(instances: Readonly<Record<string, string>>, reason?: string): Promise<number> {
  const labels = reason === undefined ? '[^}]*' : `reason="${reason}"`;
  const pattern = new RegExp(`^outbox_history_regressions_total\\{${labels}\\} (\\d+)$`, 'gm');
  let total = 0;
  for (const url of Object.values(instances)) {
    const answer = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5_000) });
    for (const match of (await answer.text()).matchAll(pattern)) total += Number(match[1]);
  }
  return total;
}
