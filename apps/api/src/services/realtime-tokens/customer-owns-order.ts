import { shopperOwnsOrder } from '../orders/shopper-owns-order.js';
import type { TopicAuthorizerOptions } from './topic-authorizer.js';

/** `order:<id>` for the shopper session that owns the order (its customer's sessions, or the guest session). */
export async function customerOwnsOrder({ db, requester, id }: TopicAuthorizerOptions): Promise<boolean> {
  return requester.shopper !== null && shopperOwnsOrder({ db, owner: requester.shopper.order, orderId: id });
}
