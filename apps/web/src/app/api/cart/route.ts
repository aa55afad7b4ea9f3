import { NextResponse } from 'next/server';
import { fetchCart } from '@/lib/api/carts';
import { ApiError } from '@/lib/api/http';
import { rememberCartId, rememberedCartId, shopperCaller } from '@/lib/shopper/shopper-cookie';

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
