import { NextResponse } from 'next/server';
import { fetchCart, openCart } from '@/lib/api/carts';
import { ApiError } from '@/lib/api/http';
import { OPEN_CART_HEADER } from '@/lib/shopper/open-cart-header';
import { relayShopperCookie, rememberCartId, rememberedCartId, shopperCaller } from '@/lib/shopper/shopper-cookie';

/**
 * The shopper's cart as the API holds it now (totals, prices, holds), for an open cart or checkout page
 * that saw one of its products change. The shopper's own cookie is forwarded; reading renews the holds.
 */
export async function GET() {
  const cartId = await rememberedCartId();
  try {
    const found = cartId === null ? null : await fetchCart(await shopperCaller(), cartId);
    if (found === null && cartId !== null) await rememberCartId(null);
    return NextResponse.json({ cart: found?.cart ?? null }, { headers: { 'cache-control': 'no-store' } });
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return NextResponse.json({ error: error.message }, { status: error.retryable ? 503 : 502, headers: { 'cache-control': 'no-store' } });
  }
}

/**
 * Opens the shopper's cart before their first add: Add to cart asks when the shopper shows intent (a pointer
 * on it, or focus), so that the add itself is a single request. When many race for the last units, the add
 * is what decides, and a first add that must start a guest session and a cart first comes late (the
 * flash-sale bench: with the cart opened before the rush, every loser got a clear sold-out answer). A
 * shopper who has a cart keeps it. The header is one no other site can send without a CORS preflight.
 */
export async function POST(request: Request) {
  if (request.headers.get(OPEN_CART_HEADER) !== '1') return NextResponse.json({ error: `send ${OPEN_CART_HEADER}: 1` }, { status: 400, headers: { 'cache-control': 'no-store' } });
  if ((await rememberedCartId()) !== null) return new NextResponse(null, { status: 204, headers: { 'cache-control': 'no-store' } });
  const caller = await shopperCaller();
  try {
    const { cart, headers } = await openCart(caller);
    await relayShopperCookie(headers, caller);
    await rememberCartId(cart.id);
    return new NextResponse(null, { status: 204, headers: { 'cache-control': 'no-store' } });
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return NextResponse.json({ error: error.message }, { status: error.retryable ? 503 : 502, headers: { 'cache-control': 'no-store' } });
  }
}
