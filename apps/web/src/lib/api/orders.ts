import 'server-only';
import { type OrderCreate, OrderSchema } from '@livecart/schemas/order';
import { adminAuthorization } from './credentials';
import { apiRequest } from './http';

/**
 * Places an order; the same `idempotencyKey` on a retry returns the first result instead of a second order.
 * The web server places orders on the shopper's behalf and sends its API credential when it has one:
 * the API treats order creation as a write that needs it.
 */
export async function createOrder(order: OrderCreate, idempotencyKey: string) {
  const { data } = await apiRequest('/v1/orders', {
    method: 'POST',
    body: order,
    headers: { 'idempotency-key': idempotencyKey, ...adminAuthorization() },
    schema: OrderSchema,
  });
  return data;
}
