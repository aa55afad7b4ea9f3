import 'server-only';
import { type CustomerOrderListQueryInput, type OrderCreate, OrderPageSchema, OrderSchema } from '@livecart/schemas/order';
import { PaymentSchema } from '@livecart/schemas/payment';
import type { CallerHeaders } from './auth';
import { ApiError, apiRequest } from './http';

/**
 * Places an order; the same `idempotencyKey` on a retry returns the first result instead of a second order.
 * Orders are public in the API (like any checkout): no credential is sent, only the shopper's address
 * (`caller`), so the API's per-client limits count the shopper.
 */
export async function createOrder(caller: CallerHeaders, order: OrderCreate, idempotencyKey: string) {
  const { data } = await apiRequest('/v1/orders', {
    method: 'POST',
    body: order,
    headers: { ...caller, 'idempotency-key': idempotencyKey },
    schema: OrderSchema,
  });
  return data;
}

const withLink = (caller: CallerHeaders, token: string | undefined): CallerHeaders => ({ ...caller, ...(token ? { authorization: `Order ${token}` } : {}) });

/**
 * An order for its owner: the shopper's own cookie (in `caller`) and, from a link, the order's access
 * token (`Authorization: Order <token>`, kept out of the API's URLs). Null when the API does not serve it
 * to this caller: unknown, or not theirs (the API answers both with the same 404). With the `X-Event-Seq`
 * it was read at, to follow its topic from there.
 */
export async function fetchOrder(caller: CallerHeaders, id: string, token: string | undefined) {
  try {
    const { data, seq, epoch } = await apiRequest(`/v1/orders/${id}`, { headers: withLink(caller, token), schema: OrderSchema });
    return { order: data, seq, epoch };
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

/**
 * Pays an order waiting for its payment with a test card; the answer is the attempt, `pending` until the
 * provider's webhook confirms it. A declined card is an ApiError 402 PAYMENT_DECLINED.
 */
export async function payOrder(caller: CallerHeaders, id: string, token: string | undefined, cardNumber: string) {
  const { data } = await apiRequest(`/v1/orders/${id}/payment`, { method: 'POST', body: { cardNumber }, headers: withLink(caller, token), schema: PaymentSchema });
  return data;
}

/** The signed-in customer's orders, newest first (401 for a guest or no session). */
export async function listCustomerOrders(caller: CallerHeaders, query: CustomerOrderListQueryInput = {}) {
  const search = new URLSearchParams();
  if (query.cursor !== undefined) search.set('cursor', query.cursor);
  if (query.limit !== undefined) search.set('limit', String(query.limit));
  const suffix = search.size > 0 ? `?${search}` : '';
  const { data } = await apiRequest(`/v1/customers/me/orders${suffix}`, { headers: caller, schema: OrderPageSchema });
  return data;
}
