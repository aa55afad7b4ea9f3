import type { Principal } from '../../auth/access.js';
import type { Queryable } from '../../db/pool.js';
import type { CartOwner } from '../carts/cart-owner.js';
import type { OrderOwner } from '../orders/order-owner.js';

/** Who asks for a token: staff, a shopper session, the holder of an order's link token, or several at once. */
export interface TokenRequester {
  /** Staff who passed the route's role or scope; null otherwise. */
  principal: Principal | null;
  /** The request's shopper session as the owner of carts and orders; null without one. */
  shopper: { cart: CartOwner; order: OrderOwner } | null;
  /** The order whose valid link token the request carries (`Authorization: Order <token>`), if any. */
  linkedOrderId: string | null;
}

export interface TopicAuthorizerOptions {
  db: Queryable;
  requester: TokenRequester;
  /** The id in the topic (`order:<id>` → the order's id). */
  id: string;
}

/** Whether the requester may follow the private topic of `id`. One per rule; a topic kind has a list of them. */
export type TopicAuthorizer = (options: TopicAuthorizerOptions) => Promise<boolean>;
