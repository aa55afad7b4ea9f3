import 'server-only';
import { type CheckoutCreate, CheckoutRefusalSchema } from '@livecart/schemas/checkout';
import { OrderPlacedSchema } from '@livecart/schemas/order';
import type { CallerHeaders } from './auth';
import { type ApiError, apiRequest } from './http';

/**
 * Turns the shopper's cart (their own cookie in `caller`) into an order waiting for its payment, at the
 * total they confirmed. A retry with the same `idempotencyKey` gets the first outcome. The answer carries
 * the order's link token, shown once. `email` is where the order's news go.
 */
export async function checkOut(caller: CallerHeaders, checkout: CheckoutCreate, idempotencyKey: string) {
  const { data, headers } = await apiRequest('/v1/checkout', {
    method: 'POST',
    body: checkout,
    headers: { ...caller, 'idempotency-key': idempotencyKey },
    schema: OrderPlacedSchema,
  });
  return { order: data, headers };
}

/** The cart as it is now, from a 409 PRICE_CHANGED refusal; undefined for any other. */
export function cartOfRefusal(error: ApiError) {
  if (error.code !== 'PRICE_CHANGED') return undefined;
  return CheckoutRefusalSchema.safeParse(error.body).data?.cart;
}
