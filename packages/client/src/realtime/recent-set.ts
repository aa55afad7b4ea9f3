/**
 * A set that remembers only its newest `capacity` members. Event delivery is at-least-once, and a
 * duplicate arrives close to the original (a replay overlapping the live feed), so a bounded window
 * de-duplicates by `seq` without growing for the life of the tab.
 */
export class RecentSet<T> {
  private readonly items = new Set<T>();

  constructor(private readonly capacity: number) {}

  has(item: T): boolean {
    return this.items.has(item);
  }

  clear(): void {
    this.items.clear();
  }

  /** Adds `item`; returns false if it was already there. */
  add(item: T): boolean {
    if (this.items.has(item)) return false;
    this.items.add(item);
    if (this.items.size > this.capacity) {
      const oldest = this.items.values().next().value as T;
      this.items.delete(oldest);
    }
    return true;
  }
}
