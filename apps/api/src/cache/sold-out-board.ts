import { LRUCache } from 'lru-cache';

/** What one state of a product says about its stock: every product event and write result carries it. */
export interface StockState {
  id: string;
  version: number;
  /** Units not held in carts; the product's stock when unknown. */
  available?: number;
  stock: number;
}

interface Entry {
  version: number;
  soldOut: boolean;
}

const MAX_PRODUCTS = 50_000;
/** The events whose data is the whole product after the change. */
const PRODUCT_STATE_EVENTS = new Set(['product.created', 'product.updated', 'stock.changed']);

/**
 * Which products this instance knows to have nothing available, so that a request for more of one is
 * refused (409) before it waits for a database connection. In a flash sale the crowd that lost arrives
 * together, and without this every loser would queue for the pool only to read "0 left" there.
 *
 * It is fed like L1 and trusted like L1: by the event stream, in seq order, and by this instance's own
 * writes and database reads; a newer product version always wins over an older one whatever the order
 * they arrive in (versions move on every change of a product, holds included). It is only on while the
 * event stream is heard (see EventConsumer): while it is not, or after a history change, it is empty
 * and every request goes to Postgres. A product restocked elsewhere is sold again here as soon as its
 * event arrives, the same delay as every other live view of it. Postgres stays the judge of every unit
 * sold: the board only ever refuses early, never admits.
 */
export class SoldOutBoard {
  private readonly products = new LRUCache<string, Entry>({ max: MAX_PRODUCTS });
  private readonly watchers = new Map<string, Set<() => void>>();
  private enabled = false;

  /** Whether the product is known to be sold out; false when unknown or while the board is off. */
  isSoldOut(id: string): boolean {
    return this.enabled && this.products.get(id)?.soldOut === true;
  }

  /** Records a product's state; ignored when an equal or newer version is already known. */
  note(state: StockState): void {
    if (!this.enabled) return;
    const known = this.products.get(state.id);
    if (known !== undefined && known.version >= state.version) return;
    const soldOut = (state.available ?? state.stock) <= 0;
    this.products.set(state.id, { version: state.version, soldOut });
    if (soldOut) this.tellWatchers(state.id);
  }

  /**
   * Calls `onSoldOut` once, as soon as the product becomes known sold out (never if it already is: ask
   * isSoldOut first). Returns what stops watching. A request waiting for a connection watches, so that it
   * is answered when the answer becomes known, not when its turn in the pool's queue comes.
   */
  whenSoldOut(id: string, onSoldOut: () => void): () => void {
    let watching = this.watchers.get(id);
    if (watching === undefined) {
      watching = new Set();
      this.watchers.set(id, watching);
    }
    watching.add(onSoldOut);
    return () => {
      const current = this.watchers.get(id);
      if (current === undefined) return;
      current.delete(onSoldOut);
      if (current.size === 0) this.watchers.delete(id);
    };
  }

  /** Products some request is watching (see whenSoldOut). */
  get watched(): number {
    return this.watchers.size;
  }

  private tellWatchers(id: string): void {
    const watching = this.watchers.get(id);
    if (watching === undefined) return;
    this.watchers.delete(id);
    for (const onSoldOut of watching) onSoldOut();
  }

  /**
   * Records a product's state from an event of the stream: its product (created, updated, stock changed),
   * or its deletion (then it is not "sold out" but gone, which the database answers).
   */
  noteEvent(type: string, data: unknown): void {
    if (typeof data !== 'object' || data === null) return;
    const { id, version, stock, available } = data as Partial<Record<keyof StockState, unknown>>;
    if (typeof id !== 'string' || typeof version !== 'number') return;
    if (type === 'product.deleted') this.note({ id, version, stock: 1 });
    else if (PRODUCT_STATE_EVENTS.has(type) && typeof stock === 'number') this.note({ id, version, stock, available: typeof available === 'number' ? available : undefined });
  }

  clear(): void {
    this.products.clear();
  }

  /** Off also empties it: states missed while blind to events could be stale when it comes back. */
  setEnabled(enabled: boolean): void {
    if (!enabled) this.clear();
    this.enabled = enabled;
  }

  get size(): number {
    return this.products.size;
  }
}

