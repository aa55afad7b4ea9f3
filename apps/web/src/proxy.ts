import { type NextRequest, NextResponse } from 'next/server';
import { env } from '@/env';
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
  const response = (await isMissingProduct(request.nextUrl.pathname))
    ? NextResponse.rewrite(new URL(MISSING_PRODUCT_PATH, request.url), { request: { headers } })
    : NextResponse.next({ request: { headers } });
  response.headers.set('content-security-policy', policy);
  return response;
}

const PRODUCT_PAGE = /^\/products\/([^/]+)$/;
/** A path no route matches: Next answers it with the not-found page and status 404, in dev and production. */
const MISSING_PRODUCT_PATH = '/products/missing/404';

/**
 * A product page for a product that does not exist is rewritten to a path that answers 404 before
 * anything is sent: the product page itself streams, so its own `notFound()` would come after a 200.
 */
async function isMissingProduct(pathname: string): Promise<boolean> {
  const id = PRODUCT_PAGE.exec(pathname)?.[1];
  if (id === undefined) return false;
  return (await productExists(id.toLowerCase())) === false;
}

export const config = {
  // Documents, flight data and actions; not the build assets, the route handlers or the icon, which get
  // NON_DOCUMENT_POLICY from next.config.ts (the same paths there).
  matcher: [{ source: '/((?!_next/static/|_next/image|api/|icon.svg).*)' }],
};
