/** Messages between the flash-sale coordinator and its shopper processes (IPC, JSON). */

/**
 * - `orders`: the single-shot POST /v1/orders (the baseline);
 * - `checkout`: the shopper's first cart action is at the click (cart, add, checkout);
 * - `checkout-warm`: the cart was opened with the page, before the rush (add, checkout at the click), as a
 *   storefront expecting one (or a shopper who browsed first) has it.
 */
export type RaceMode = 'orders' | 'checkout' | 'checkout-warm';

/** One request of a shopper's race: what it answered and when (epoch ms, this machine's clock). */
export interface Step {
  name: 'order' | 'cart' | 'add' | 'checkout';
  status: number;
  /** The envelope's `code`, or the transport error's (`ECONNRESET`, `TIMEOUT`). */
  code: string | null;
  sentAt: number;
  answeredAt: number;
}

export interface ShopperResult {
  /** When the shopper clicked (its first race request left). */
  goAt: number;
  steps: Step[];
  /** Whether the shopper bought the unit (an order was created for it). */
  won: boolean;
  /** When the page's WebSocket first showed `available` 0 (null: it never did). */
  soldOutSeenAt: number | null;
  /** When the page's WebSocket first carried the probe (one change before the rush; null: it never did). */
  probeSeenAt: number | null;
  /** Events with the product that reached the page, and frames that carried them. */
  events: number;
  /** Page open: the product GET, then subscribe → subscribed (and the storefront page first, for some). */
  openMs: number;
  /** The storefront's rendered page GET, for the shoppers that fetched it (null: API only). */
  storefrontMs: number | null;
  /** Why the page's socket closed or failed during the race, if it did. */
  socketProblem: string | null;
}

export type Command =
  | {
      cmd: 'open';
      /** The balancer, http://host:port. */
      url: string;
      productId: string;
      shoppers: number;
      /** One shopper in this many also GETs the storefront's rendered page first (0: none). */
      storefrontEvery: number;
      localAddresses: string[];
      concurrency: number;
      /** Each page also opens its shopper's cart (guest session and cart) when it opens. */
      openCart: boolean;
    }
  | { cmd: 'race'; mode: RaceMode; goAt: number; productId: string; expectedTotalMinor: number }
  /** Pages watch for a frame that carries `marker` (a change made before the rush) and note when it comes. */
  | { cmd: 'probe'; marker: string }
  | { cmd: 'report' }
  | { cmd: 'close' };

export type WorkerMessage =
  | { type: 'hello' }
  | { type: 'progress'; opened: number; answered: number }
  | { type: 'opened'; opened: number; failed: number; retried: number; error: string | null }
  | { type: 'raced'; answered: number }
  | { type: 'probing' }
  | { type: 'report'; shoppers: ShopperResult[] };
