import 'server-only';
import { type OrderCreate, OrderSchema } from '@livecart/schemas/order';
import type { CallerHeaders } from './auth';
import { apiRequest } from './http';

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
