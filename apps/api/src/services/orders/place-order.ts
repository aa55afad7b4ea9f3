import type { Actor, Order, OrderItemInput, Product } from '@livecart/schemas';
import type pg from 'pg';
import type { SoldOutBoard } from '../../cache/sold-out-board.js';
import { checkDistinctLines, createOrder, refuseKnownSoldOut } from './create-order.js';
import type { OrderOwner } from './order-owner.js';
import { orderRequestHash } from './request-hash.js';
import { runIdempotent } from './run-idempotent.js';

export interface PlaceOrderOptions {
  pool: pg.Pool;
  items: readonly OrderItemInput[];
  idempotencyKey?: string;
  /** A shopper's order is the guest actor's; a job's or a key's is theirs. */
  actor: Actor;
  /** The shopper session that placed it, if any: it (its customer) then owns the order as a checkout's. */
  owner?: OrderOwner;
  /** How long the order waits for its payment before it expires. */
  paymentTtlMs: number;
  /** Products known sold out: an order for one, without an Idempotency-Key, is refused before the database. */
  soldOut?: SoldOutBoard;
}

export interface PlaceOrderResult {
  order: Order;
  /** The products whose stock this call decremented (none for a replay). */
  products: Product[];
  /** True when this is the stored result of an earlier request with the same Idempotency-Key. */
  replayed: boolean;
}

/**
 * Places an order from POST /v1/orders (see createOrder: stock taken, events recorded, payment awaited),
 * once per Idempotency-Key (see runIdempotent: refusals from the data are stored and replayed too).
 */
export async function placeOrder(options: PlaceOrderOptions): Promise<PlaceOrderResult> {
  const { items, soldOut } = options;
  checkDistinctLines(items);
  const outcome = await runIdempotent({
    pool: options.pool,
    idempotencyKey: options.idempotencyKey,
    requestHash: orderRequestHash(items, options.owner),
    what: 'a different order',
    work: (client) => createOrder({ client, lines: items, actor: options.actor, owner: options.owner, paymentTtlMs: options.paymentTtlMs, soldOut }),
    admit: soldOut === undefined ? undefined : () => refuseKnownSoldOut(items, soldOut),
  });
  return outcome.replayed ? { order: outcome.order, products: [], replayed: true } : { ...outcome.result, replayed: false };
}
