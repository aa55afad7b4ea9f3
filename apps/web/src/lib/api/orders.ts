import 'server-only';
import { type OrderCreate, OrderSchema } from '@livecart/schemas/order';
import { apiRequest } from './http';

/**
 * Places an order; the same `idempotencyKey` on a retry returns the first result instead of a second order.
 * Orders are public in the API (like any checkout), so no credential is sent: the admin token stays
 * with the admin actions only.
 */
export async function createOrder(order: OrderCreate, idempotencyKey: string) {
  const { data } = await apiRequest('/v1/orders', {
    method: 'POST',
    body: order,
    headers: { 'idempotency-key': idempotencyKey },
    schema: OrderSchema,
  });
  return data;
}
