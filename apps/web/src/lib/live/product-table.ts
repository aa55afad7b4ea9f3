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
 */
export class ProductTable {
  private readonly entries = new Map<string, LiveEntry>();

  get(id: string): LiveEntry | undefined {
    return this.entries.get(id);
  }

  has(id: string): boolean {
    return this.entries.has(id);
  }

  ids(): string[] {
    return [...this.entries.keys()];
  }

  /** Returns true if the table changed. */
  offer(product: Product): boolean {
    const held = this.entries.get(product.id);
    if (held && product.version <= held.product.version) return false;
    this.entries.set(product.id, { product, deleted: false });
    return true;
  }

  /** A deletion at `version` (or, without one, from a refetch that found the product gone). */
  remove(id: string, version?: number): boolean {
    const held = this.entries.get(id);
    if (!held || held.deleted) return false;
    if (version !== undefined && version < held.product.version) return false;
    const last = version === undefined ? held.product : { ...held.product, version };
    this.entries.set(id, { product: last, deleted: true });
    return true;
  }
}
