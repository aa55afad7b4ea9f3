import type { Product } from '@livecart/schemas/product';

export interface LiveEntry {
  product: Product;
  /** The product was deleted; `product` is its last known state. */
  deleted: boolean;
}

/**
 * The newest known state of each product on screen. A change is taken only if its `version` is
 * greater than the one held, so a late duplicate, an old replay or a stale snapshot never rolls
 * a price back. Entries are replaced, never mutated, so React sees each change as a new object.
 *
 * Versions compare only within one event history: after a new epoch (a database restored to an earlier
 * point), a product's versions start again below what was shown. `forgetVersions` marks every entry as
 * from the gone history; the next state offered for it replaces it, whatever its version.
 */
export class ProductTable {
  private readonly entries = new Map<string, LiveEntry>();
  private readonly outdated = new Set<string>();

  get(id: string): LiveEntry | undefined {
    return this.entries.get(id);
  }

  has(id: string): boolean {
    return this.entries.has(id);
  }

  ids(): string[] {
    return [...this.entries.keys()];
  }

  /** Every entry is of a history that is gone: the next state of each replaces it, whatever its version. */
  forgetVersions(): void {
    for (const id of this.entries.keys()) this.outdated.add(id);
  }

  /** Returns true if the table changed. */
  offer(product: Product): boolean {
    const held = this.entries.get(product.id);
    const outdated = this.outdated.delete(product.id);
    if (held && !outdated && product.version <= held.product.version) return false;
    this.entries.set(product.id, { product, deleted: false });
    return true;
  }

  /** A deletion at `version` (or, without one, from a refetch that found the product gone). */
  remove(id: string, version?: number): boolean {
    const held = this.entries.get(id);
    if (!held || held.deleted) return false;
    const outdated = this.outdated.delete(id);
    if (version !== undefined && !outdated && version < held.product.version) return false;
    const last = version === undefined ? held.product : { ...held.product, version };
    this.entries.set(id, { product: last, deleted: true });
    return true;
  }
}
