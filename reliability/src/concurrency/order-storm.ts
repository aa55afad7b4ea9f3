import { randomUUID } from 'node:crypto';
import { http, type HttpResult } from '../launch/http.js';

export interface OrderStormOptions {
  /** The api instances; orders alternate between them. */
  apiUrls: readonly string[];
  productId: string;
  /** Distinct orders of one unit each. */
  orders: number;
  /** Every `keyEvery`-th order carries an Idempotency-Key (the others take the path without one). */
  keyEvery: number;
  /** Every `duplicateEvery`-th order (a multiple of keyEvery) is sent twice at once, to two instances, with its one key. */
  duplicateEvery: number;
}

export interface OrderSend {
  instance: number;
  result: HttpResult;
  /** From the storm's start to this answer. */
  answeredAfterMs: number;
}

export interface OrderOutcome {
  order: number;
  key: string | undefined;
  /** One per send: two for a duplicated order. */
  sends: OrderSend[];
}

/**
 * Fires every send of every order at once (no send waits for another), so the instances, their pools
 * and Postgres's row lock sort them out, not the client.
 */
export async function runOrderStorm(options: OrderStormOptions): Promise<OrderOutcome[]> {
  const { apiUrls, productId } = options;
  if (options.duplicateEvery % options.keyEvery !== 0) throw new Error('duplicateEvery must be a multiple of keyEvery: only keyed orders can be retried');
  const body = { items: [{ productId, quantity: 1 }] };
  const started = performance.now();
  const send = async (instance: number, key: string | undefined): Promise<OrderSend> => {
    const url = `${apiUrls[instance % apiUrls.length]}/v1/orders`;
    const result = await http(url, { method: 'POST', body, headers: key === undefined ? {} : { 'idempotency-key': key } });
    return { instance: instance % apiUrls.length, result, answeredAfterMs: performance.now() - started };
  };
  return Promise.all(
    Array.from({ length: options.orders }, async (_, order): Promise<OrderOutcome> => {
      const key = order % options.keyEvery === 0 ? `storm-${randomUUID()}` : undefined;
      const copies = order % options.duplicateEvery === 0 ? [order, order + 1] : [order];
      return { order, key, sends: await Promise.all(copies.map((instance) => send(instance, key))) };
    }),
  );
}
