import type { Actor } from '@livecart/schemas';
import type pg from 'pg';
import { withTransaction } from '../../db/transaction.js';
import { transitionOrder, type TransitionedOrder } from './transition-order.js';

export interface FulfilOrderOptions {
  pool: pg.Pool;
  orderId: string;
  actor: Actor;
}

/** Marks a paid order fulfilled (shipped, handed over): staff only, once. */
export async function fulfilOrder(options: FulfilOrderOptions): Promise<TransitionedOrder> {
  return withTransaction(options.pool, (client) => transitionOrder({ client, orderId: options.orderId, action: 'fulfil', actor: options.actor }));
}
