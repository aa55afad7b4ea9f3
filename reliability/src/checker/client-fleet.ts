import { CATALOG_TOPIC, productTopic } from '@livecart/schemas';
import { fetchSnapshot, type ProductSet, type ProductState } from './products.js';
import { StoreClient } from './store-client.js';

export interface FleetOptions {
  wsUrl: string;
  origin: string;
  apiUrl: string;
  products: ProductSet;
  clients: number;
  /** Products each client shows (and subscribes to as `product:<id>`). */
  productsPerClient: number;
  /** Every n-th client follows `catalog` (every event of every product) instead; 0 for none. */
  catalogEvery: number;
  /** Clients starting at once (snapshots and handshakes); the rest wait their turn. */
  startConcurrency?: number;
  /** All clients must be subscribed within this; default 60 s. */
  startTimeoutMs?: number;
}

export interface FleetStats {
  clients: number;
  connected: number;
  /** Connections beyond each client's first. */
  reconnects: number;
  /** Clients that received at least one `reset`. */
  clientsReset: number;
  /** Clients told (by a `reset`) that the history began a new epoch. */
  clientsMovedEpoch: number;
  /** Events of another epoch than their client's (replays of a gone history). Must be 0. */
  foreignEpochEvents: number;
  /** Clients per realtime instance they are on now. */
  byInstance: Record<string, number>;
}

/**
 * Many storefront-like clients in this process, spread over the realtime instances by the balancer.
 * Client i shows products i·k … i·k+k-1 (mod the product count), so every product has the same audience.
 */
export class ClientFleet {
  private constructor(
    readonly clients: StoreClient[],
    readonly products: ProductSet,
  ) {}

  static async start(options: FleetOptions): Promise<ClientFleet> {
    const clients: StoreClient[] = [];
    const { products } = options;
    for (let i = 0; i < options.clients; i++) {
      const catalog = options.catalogEvery > 0 && i % options.catalogEvery === options.catalogEvery - 1;
      const tracked = catalog
        ? products.ids.map((_, n) => n)
        : Array.from({ length: options.productsPerClient }, (_, k) => (i * options.productsPerClient + k) % products.size);
      clients.push(
        new StoreClient({
          wsUrl: options.wsUrl,
          origin: options.origin,
          apiUrl: options.apiUrl,
          products,
          tracked: [...new Set(tracked)],
          topics: catalog ? [CATALOG_TOPIC] : [...new Set(tracked)].map((n) => productTopic(products.id(n))),
        }),
      );
    }
    const fleet = new ClientFleet(clients, products);
    const timeoutMs = options.startTimeoutMs ?? 60_000;
    const deadline = AbortSignal.timeout(timeoutMs);
    const snapshot = (id: string) => fetchSnapshot(options.apiUrl, id, deadline);
    let next = 0;
    let subscribed = 0;
    const worker = async () => {
      while (next < clients.length) {
        await clients[next++]!.start(snapshot);
        subscribed++;
      }
    };
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const { byInstance } = fleet.stats();
        reject(new Error(`only ${subscribed} of ${clients.length} clients subscribed within ${timeoutMs} ms (connected per instance: ${JSON.stringify(byInstance)})`));
      }, timeoutMs);
    });
    try {
      await Promise.race([Promise.all(Array.from({ length: options.startConcurrency ?? 50 }, worker)), late]);
    } catch (error) {
      fleet.close();
      throw error;
    } finally {
      clearTimeout(timer);
    }
    return fleet;
  }

  /**
   * True when every client shows at least `target`'s version of each product it follows; with `epoch`,
   * only once every client is in that epoch and shows nothing of an older history.
   */
  caughtUp(target: ReadonlyMap<number, number>, epoch?: string): boolean {
    for (const client of this.clients) {
      if (epoch !== undefined && (client.epoch !== epoch || client.showsStale)) return false;
      for (const [product, state] of client.view) {
        if (state.version < (target.get(product) ?? 0)) return false;
      }
    }
    return true;
  }

  /** True when every client's view equals `truth` exactly (version, price and stock), in `epoch` when given. */
  matches(truth: ReadonlyMap<number, ProductState>, epoch?: string): boolean {
    for (const client of this.clients) {
      if (epoch !== undefined && (client.epoch !== epoch || client.showsStale)) return false;
      for (const [product, state] of client.view) {
        const expected = truth.get(product);
        if (expected === undefined || !sameState(state, expected)) return false;
      }
    }
    return true;
  }

  stats(): FleetStats {
    const byInstance: Record<string, number> = {};
    let connected = 0;
    let reconnects = 0;
    let clientsReset = 0;
    let clientsMovedEpoch = 0;
    let foreignEpochEvents = 0;
    for (const client of this.clients) {
      if (client.epochChanges > 0) clientsMovedEpoch++;
      foreignEpochEvents += client.foreignEpochEvents;
      if (client.connected) {
        connected++;
        const instance = client.instance ?? '?';
        byInstance[instance] = (byInstance[instance] ?? 0) + 1;
      }
      reconnects += Math.max(0, client.instances.length - 1);
      if (client.resets > 0) clientsReset++;
    }
    return { clients: this.clients.length, connected, reconnects, clientsReset, clientsMovedEpoch, foreignEpochEvents, byInstance };
  }

  close(): void {
    for (const client of this.clients) client.close();
  }
}

export function sameState(a: ProductState, b: ProductState): boolean {
  return a.version === b.version && a.priceMinor === b.priceMinor && a.stock === b.stock;
}
