import type { FastifyRequest } from 'fastify';
import { NotFoundError } from '../domain/errors.js';
import { shopperOwnsOrder } from '../services/orders/shopper-owns-order.js';
import type { OrderLink } from './order-link.js';
import { orderOwnerOf, type Shopper } from './shopper.js';

/** How a caller came to be allowed on an order: as staff, by its signed link, or as its customer. */
export type OrderAccessVia = 'staff' | 'link' | 'customer';

const ORDER_SCHEME = /^Order[ \t]+(\S+)\s*$/i;

/** The link token of an `Authorization: Order <token>` header. */
export function orderTokenInHeader(request: FastifyRequest): string | undefined {
  return ORDER_SCHEME.exec(request.headers.authorization ?? '')?.[1];
}

/** The link token a request carries: `Authorization: Order <token>`, else `?token=`. */
export function orderTokenOf(request: FastifyRequest): string | undefined {
  const header = orderTokenInHeader(request);
  if (header !== undefined) return header;
  const query = request.query as { token?: unknown } | undefined;
  return typeof query?.token === 'string' ? query.token : undefined;
}

/**
 * The request's shopper session, on routes that are not shoppers' routes (the order routes, the realtime
 * token route): read from its cookie here, and kept on the request so that its writes are the shopper's.
 */
export async function shopperOf(request: FastifyRequest): Promise<Shopper | null> {
  request.shopper ??= (await request.server.shoppers.resolve(request.headers.cookie)) ?? null;
  return request.shopper;
}

/**
 * Whether the shopper session behind `request` owns the order: the order was checked out by its customer
 * (any session of theirs) or by this guest session.
 */
export async function customerOwnsOrder(request: FastifyRequest, orderId: string): Promise<boolean> {
  const shopper = await shopperOf(request);
  return shopper !== null && shopperOwnsOrder({ db: request.server.db, owner: orderOwnerOf(shopper), orderId });
}

export interface AuthorizeOrderOptions {
  request: FastifyRequest;
  orderId: string;
  link: OrderLink;
}

/**
 * Who may act on an order (routes whose access names `owner: 'order'`): staff that passed the route's
 * role or scope, the holder of the order's link token, or the shopper session that owns it. Anyone else is answered 404, the
 * answer an order that does not exist gets, so a stranger cannot tell one from the other.
 */
export async function authorizeOrder(options: AuthorizeOrderOptions): Promise<OrderAccessVia> {
  const { request, orderId } = options;
  if (request.principal !== null) return 'staff';
  const token = orderTokenOf(request);
  if (token !== undefined && options.link.verify(token) === orderId) return 'link';
  if (await customerOwnsOrder(request, orderId)) return 'customer';
  throw new NotFoundError(`order ${orderId} does not exist`);
}
