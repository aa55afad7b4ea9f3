import {
  backoffDelay,
  type ConnectionState,
  isOrderEvent,
  type PrivateEvent,
  RealtimeClient,
  type RealtimeClientOptions,
} from '@livecart/client/realtime';
import type { LivecartEvent } from '@livecart/schemas/events';
import type { Product } from '@livecart/schemas/product';
import type { Topic } from '@livecart/schemas/topics';
import { type LiveEntry, ProductTable } from './product-table';

export { type ConnectionState, isOrderEvent, type PrivateEvent };

export interface RefetchResult {
  items: Product[];
  /** Ids the API no longer has. */
  missing: string[];
}

/** The connection's settings (`WebSocket`, `tokenFor`, timings) are the realtime client's. */
export interface LiveStoreOptions extends Omit<RealtimeClientOptions, 'url'> {
  /** Fresh products by id, used when the server says its history no longer covers our resume point. */
  refetch?: (ids: string[]) => Promise<RefetchResult>;
}

const REFETCH_CHUNK = 100;
const REFETCH_ATTEMPTS = 3;

/**
 * One per tab: the newest state of each product on screen over the tab's one realtime client (which
 * owns the connection, resume, de-duplication, epochs and private topics), and the connection state.
 * Framework-free; React reads it through useSyncExternalStore.
 */
export class LiveStore {
  private readonly client: RealtimeClient;
  private readonly products = new ProductTable();
  private readonly listeners = new Set<() => void>();
  /** Private topics the server refused on this connection (a token not granted, not given): not live. */
  private readonly refused = new Set<Topic>();

  constructor(private readonly options: LiveStoreOptions = {}) {
    // A page shows the newest state of what it follows: a burst of one product (a sale's last units) is
    // sent as its newest state rather than every step, unless the caller asks for every event.
    this.client = new RealtimeClient({ delivery: 'latest', ...options });
    this.client.onStateChange((state) => {
      // A new connection asks for every topic again.
      if (state !== 'connected') this.refused.clear();
      this.notify();
    });
    this.client.onError((error) => {
      if (error.retrying || error.topics.length === 0) return;
      for (const topic of error.topics) this.refused.add(topic);
      this.notify();
    });
    this.client.onEvent((event) => this.apply(event));
    // A new history: the versions shown may be higher than the ones it starts again with.
    this.client.onReset((reset) => {
      if (reset.epochChanged) this.products.forgetVersions();
    });
    this.client.onRefetch((topics) => this.refetchTopics(topics));
  }

  // ---- read side (stable references for useSyncExternalStore) ----

  getState = (): ConnectionState => this.client.state;

  getProduct = (id: string): LiveEntry | undefined => this.products.get(id);

  /** Whether the server refused to follow `topic` (a private one) on this connection: what shows it is not live. */
  isRefused = (topic: Topic): boolean => this.refused.has(topic);

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Every catalog event once, in arrival order (the admin feed). */
  onEvent(listener: (event: LivecartEvent) => void): () => void {
    return this.client.onEvent(listener);
  }

  /** Every event of a private topic (an order's status, a cart's contents) once, in arrival order. */
  onPrivateEvent(listener: (event: PrivateEvent) => void): () => void {
    return this.client.onPrivateEvent(listener);
  }

  // ---- write side ----

  /** Where to connect. The server passes it down with each page, so it is set on first render. */
  configure(url: string): void {
    this.client.setUrl(url);
  }

  /** Server-rendered products; older than what the store holds is ignored. */
  seed(products: readonly Product[]): void {
    let changed = false;
    for (const product of products) changed = this.products.offer(product) || changed;
    if (changed) this.notify();
  }

  /**
   * Declares interest in `topics`, resuming after `since` of history `epoch` (the `X-Event-Seq` and
   * `X-Event-Epoch` the caller's data was rendered at, so nothing between render and subscribe is missed).
   * Returns the matching release.
   */
  acquire(topics: readonly Topic[], since: number | null, epoch: string | null = null): () => void {
    return this.client.subscribe(topics, since === null ? null : { seq: since, epoch });
  }

  /** Driven by the browser's online/offline events: no point retrying without a network. */
  setOnline(online: boolean): void {
    this.client.setOnline(online);
  }

  /** Stops for good (tests, teardown). */
  close(): void {
    this.client.close();
  }

  // ---- products ----

  private apply(event: LivecartEvent): void {
    // Only products something on screen has seeded are kept: a `catalog` feed must not grow the table.
    const changed =
      event.type === 'product.deleted'
        ? this.products.remove(event.data.id, event.data.version)
        : this.products.has(event.data.id) && this.products.offer(event.data);
    if (changed) this.notify();
  }

  /** Reads again every product on screen that `topics` cover. */
  private refetchTopics(topics: readonly Topic[]): void {
    const ids = new Set<string>();
    for (const topic of topics) {
      if (topic.startsWith('product:')) {
        ids.add(topic.slice('product:'.length));
        continue;
      }
      if (topic !== 'catalog' && !topic.startsWith('category:')) continue;
      const category = topic.startsWith('category:') ? topic.slice('category:'.length) : null;
      for (const id of this.products.ids()) {
        if (category === null || this.products.get(id)?.product.category === category) ids.add(id);
      }
    }
    const list = [...ids].filter((id) => this.products.has(id));
    for (let i = 0; i < list.length; i += REFETCH_CHUNK) void this.refetch(list.slice(i, i + REFETCH_CHUNK), 0);
  }

  private async refetch(ids: string[], attempt: number): Promise<void> {
    if (!this.options.refetch) return;
    const epoch = this.client.epoch;
    try {
      const { items, missing } = await this.options.refetch(ids);
      // Asked before the history changed again: the answer belongs to the one that is gone.
      if (this.client.epoch !== epoch) return;
      let changed = false;
      for (const product of items) changed = this.products.offer(product) || changed;
      for (const id of missing) changed = this.products.remove(id) || changed;
      if (changed) this.notify();
    } catch (error) {
      if (attempt + 1 >= REFETCH_ATTEMPTS) {
        this.warn('refetch after reset failed; showing the last known state', error);
        return;
      }
      const delay = backoffDelay(attempt + 2, { random: this.options.random });
      setTimeout(() => void this.refetch(ids, attempt + 1), delay);
    }
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }

  private warn(message: string, detail?: unknown): void {
    (this.options.warn ?? console.warn)(message, detail);
  }
}
