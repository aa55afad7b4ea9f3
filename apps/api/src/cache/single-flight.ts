/**
 * Coalesces concurrent loads of one key into a single call. `forget` detaches the running load from
 * the key: callers already waiting still get its result, but later callers start a fresh load, which
 * is what an invalidation needs (the running load may have read the data from before the change).
 */
export class SingleFlight<K, V> {
  private readonly running = new Map<K, Promise<V>>();

  /** `load` receives `isCurrent()`: false once the load was forgotten, so it can skip caching its result. */
  run(key: K, load: (isCurrent: () => boolean) => Promise<V>): Promise<V> {
    const existing = this.running.get(key);
    if (existing !== undefined) return existing;
    const isCurrent = () => this.running.get(key) === promise;
    // Started on the next microtask, so the map holds the promise before `load` can settle it.
    const promise: Promise<V> = Promise.resolve()
      .then(() => load(isCurrent))
      .finally(() => {
        if (isCurrent()) this.running.delete(key);
      });
    this.running.set(key, promise);
    return promise;
  }

  forget(key: K): void {
    this.running.delete(key);
  }

  forgetAll(): void {
    this.running.clear();
  }

  get size(): number {
    return this.running.size;
  }
}
