import 'server-only';
import { type OrderCreate, OrderSchema } from '@livecart/schemas/order';
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

/**
 * An order for its owner: the shopper's own cookie (in `caller`) and, from a link, the order's access
 * token (`Authorization: Order <token>`, kept out of the API's URLs). Null when the API does not serve it
 * to this caller: unknown, or not theirs (the API answers both with the same 404).
 */
export async function fetchOrder(caller: CallerHeaders, id: string, token: string | undefined) {
  try {
    const { data } = await apiRequest(`/v1/orders/${id}`, { headers: { ...caller, ...(token ? { authorization: `Order ${token}` } : {}) }, schema: OrderSchema });
    return data;
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}
