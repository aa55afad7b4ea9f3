import type { FastifyRequest } from 'fastify';
import { NotFoundError } from '../domain/errors.js';
import type { OrderLink } from './order-link.js';

/** How a caller came to be allowed on an order: as staff, by its signed link, or as its customer. */
export type OrderAccessVia = 'staff' | 'link' | 'customer';

const ORDER_SCHEME = /^Order[ \t]+(\S+)\s*$/i;

/** The link token a request carries: `Authorization: Order <token>`, else `?token=`. */
export function orderTokenOf(request: FastifyRequest): string | undefined {
  const header = ORDER_SCHEME.exec(request.headers.authorization ?? '')?.[1];
  if (header !== undefined) return header;
  const query = request.query as { token?: unknown } | undefined;
  return typeof query?.token === 'string' ? query.token : undefined;
}

/**
 * The customer's-session seam: whether the signed-in customer (or guest session) behind `request` owns
 * the order. Nothing can yet: orders do not record a customer. The customers work answers it here.
 */
export async function customerOwnsOrder(_request: FastifyRequest, _orderId: string): Promise<boolean> {
  return false;
}

export interface AuthorizeOrderOptions {
  request: FastifyRequest;
  orderId: string;
  link: OrderLink;
}

/**
 * Who may act on an order (routes whose access names `owner: 'order'`): staff that passed the route's
 * role or scope, the holder of the order's link token, or its customer. Anyone else is answered 404, the
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
