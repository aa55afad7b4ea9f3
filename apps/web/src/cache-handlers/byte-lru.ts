/** What Next's own in-memory caches keep by default (`cacheMaxMemorySize`). */
export const DEFAULT_MAX_BYTES = 50 * 1024 * 1024;

/**
 * A map that keeps its most recently used entries within a byte budget: storing past the budget drops
 * the least recently used ones first, and an entry larger than the whole budget is not kept at all.
 */
export class ByteLru<V> {
  // A Map iterates in insertion order; re-inserting on use keeps the least recently used first.
  private readonly entries = new Map<string, { value: V; size: number }>();
  private used = 0;
  private readonly maxBytes: number;
  private readonly sizeOf: (value: V, key: string) => number;

  // Plain fields, not constructor parameter properties: Node strips types but does not compile those.
  constructor(maxBytes: number, sizeOf: (value: V, key: string) => number) {
    this.maxBytes = maxBytes;
    this.sizeOf = sizeOf;
  }

  get bytes(): number {
    return this.used;
  }

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  set(key: string, value: V): void {
    this.delete(key);
    const size = Math.max(1, this.sizeOf(value, key));
    if (size > this.maxBytes) return;
    this.entries.set(key, { value, size });
    this.used += size;
    for (const [oldest, entry] of this.entries) {
      if (this.used <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.used -= entry.size;
    }
  }

  delete(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.used -= entry.size;
  }
}
