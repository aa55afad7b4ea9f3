import { type NextRequest, NextResponse } from 'next/server';
import { env } from '@/env';
import { hasCartToCheckOut } from '@/lib/checkout-gate';
import { orderVisible } from '@/lib/order-existence';
import { productExists } from '@/lib/product-existence/product-exists';
import { contentSecurityPolicy, createNonce } from '@/lib/security/content-security-policy';

/**
 * The Content-Security-Policy of every document, made per request: in production it carries a fresh
 * nonce, which Next.js reads from the request's own policy header and puts on every script it renders
 * (framework, page chunks, the inline page data); the realtime origin is read at run time, so one build
 * serves any environment.
 */
export async function proxy(request: NextRequest) {
  const development = env.NODE_ENV === 'development';
  const policy = contentSecurityPolicy({ development, realtimeUrl: env.NEXT_PUBLIC_REALTIME_URL, ...(development ? {} : { nonce: createNonce() }) });
  const headers = new Headers(request.headers);
  headers.set('content-security-policy', policy);
  if (await nothingToCheckOut(request)) {
    const response = NextResponse.redirect(new URL('/cart', request.url), 303);
    response.headers.set('content-security-policy', policy);
    return response;
  }
  const response = (await isMissing(request))
    ? NextResponse.rewrite(new URL(MISSING_PATH, request.url), { request: { headers } })
    : NextResponse.next({ request: { headers } });
  response.headers.set('content-security-policy', policy);
  return response;
}

const PRODUCT_PAGE = /^\/products\/([^/]+)$/;
const ORDER_PAGE = /^\/orders\/([^/]+)$/;
/** A path no route matches: Next answers it with the not-found page and status 404, in dev and production. */
const MISSING_PATH = '/products/missing/404';

/**
 * A product page for a product that does not exist is rewritten to a path that answers 404 before
 * anything is sent: the product page itself streams, so its own `notFound()` would come after a 200.
 */
async function isMissing(request: NextRequest): Promise<boolean> {
  const { pathname } = request.nextUrl;
  const productId = PRODUCT_PAGE.exec(pathname)?.[1];
  if (productId !== undefined) return (await productExists(productId.toLowerCase())) === false;
  // Likewise an order page the API does not serve to this caller (unknown, or not theirs: the same 404).
  const orderId = ORDER_PAGE.exec(pathname)?.[1];
  if (orderId !== undefined) return (await orderVisible(request, orderId.toLowerCase())) === false;
  return false;
}

/**
 * A checkout page without a cart to check out sends the visitor to the cart page, before anything is sent
 * (the page streams its cart, so its own redirect would come after a 200). Only page loads and
 * navigations: a server action posted from an open checkout page reaches its action, which answers the
 * empty cart itself, and a link's prefetch of the page's shell costs no API call.
 */
async function nothingToCheckOut(request: NextRequest): Promise<boolean> {
  if (request.nextUrl.pathname !== '/checkout' || request.method !== 'GET' || request.headers.has('next-action') || request.headers.has('next-router-prefetch')) return false;
  return (await hasCartToCheckOut(request)) === false;
}

export const config = {
  // Documents, flight data and actions; not the build assets, the route handlers or the icon, which get
  // NON_DOCUMENT_POLICY from next.config.ts (the same paths there).
  matcher: [{ source: '/((?!_next/static/|_next/image|api/|icon.svg).*)' }],
};
