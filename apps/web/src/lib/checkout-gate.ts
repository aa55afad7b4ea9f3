import { CartSchema } from '@livecart/schemas/cart';
import { SHOPPER_SESSION_COOKIE } from '@livecart/schemas/customer';
import type { NextRequest } from 'next/server';
import { env } from '@/env';
import { CART_ID_COOKIE } from '@/lib/shopper/cart-cookie';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Whether this visitor has a cart with something to check out, decided before the checkout page renders
 * (with their own cookies): false sends them to the cart page, undefined when the API could not say (the
 * page then decides). Not cached: it is the visitor's own cart.
 */
export async function hasCartToCheckOut(request: NextRequest): Promise<boolean | undefined> {
  const cartId = request.cookies.get(CART_ID_COOKIE)?.value;
  const session = request.cookies.get(SHOPPER_SESSION_COOKIE)?.value;
  if (cartId === undefined || !UUID.test(cartId) || !session) return false;
  try {
    const response = await fetch(new URL(`/v1/carts/${cartId}`, env.API_URL), {
      headers: { cookie: `${SHOPPER_SESSION_COOKIE}=${encodeURIComponent(session)}` },
      cache: 'no-store',
      signal: AbortSignal.timeout(env.API_TIMEOUT_MS),
    });
    if (response.status === 404) return false;
    if (!response.ok) return undefined;
    const cart = CartSchema.safeParse(await response.json());
    return cart.success ? cart.data.lines.length > 0 : undefined;
  } catch {
    return undefined;
  }
}
