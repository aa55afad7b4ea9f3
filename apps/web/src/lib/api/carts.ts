import 'server-only';
import { type CartLineAddInput, CartSchema } from '@livecart/schemas/cart';
import type { CallerHeaders } from './auth';
import { ApiError, apiRequest } from './http';

/**
 * Carts, always called with the shopper's own cookie (`caller`): the API serves a cart only to its owner.
 * Each answer's headers are returned so a Set-Cookie (a guest session started) can be relayed.
 */
export async function openCart(caller: CallerHeaders) {
  const { data, headers } = await apiRequest('/v1/carts', { method: 'POST', headers: caller, schema: CartSchema });
  return { cart: data, headers };
}

/**
 * The cart, or null when it is not this shopper's (expired, removed, another session's), with the event
 * seq and history (`X-Event-Seq`, `X-Event-Epoch`) to follow its `cart:<id>` topic from.
 */
export async function fetchCart(caller: CallerHeaders, cartId: string) {
  try {
    const { data, headers, seq, epoch } = await apiRequest(`/v1/carts/${cartId}`, { headers: caller, schema: CartSchema });
    return { cart: data, headers, seq, epoch };
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

export async function addCartLine(caller: CallerHeaders, cartId: string, line: CartLineAddInput) {
  const { data, headers } = await apiRequest(`/v1/carts/${cartId}/lines`, { method: 'POST', body: line, headers: caller, schema: CartSchema });
  return { cart: data, headers };
}

export async function updateCartLine(caller: CallerHeaders, cartId: string, productId: string, quantity: number) {
  const { data, headers } = await apiRequest(`/v1/carts/${cartId}/lines/${productId}`, { method: 'PATCH', body: { quantity }, headers: caller, schema: CartSchema });
  return { cart: data, headers };
}

export async function removeCartLine(caller: CallerHeaders, cartId: string, productId: string) {
  const { data, headers } = await apiRequest(`/v1/carts/${cartId}/lines/${productId}`, { method: 'DELETE', headers: caller, schema: CartSchema });
  return { cart: data, headers };
}
