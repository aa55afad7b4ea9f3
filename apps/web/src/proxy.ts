import { type NextRequest, NextResponse } from 'next/server';
import { env } from '@/env';
import { contentSecurityPolicy, createNonce } from '@/lib/security/content-security-policy';

/**
 * The Content-Security-Policy of every document, made per request: in production it carries a fresh
 * nonce, which Next.js reads from the request's own policy header and puts on every script it renders
 * (framework, page chunks, the inline page data); the realtime origin is read at run time, so one build
 * serves any environment.
 */
export function proxy(request: NextRequest) {
  const development = env.NODE_ENV === 'development';
  const policy = contentSecurityPolicy({ development, realtimeUrl: env.NEXT_PUBLIC_REALTIME_URL, ...(development ? {} : { nonce: createNonce() }) });
  const headers = new Headers(request.headers);
  headers.set('content-security-policy', policy);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set('content-security-policy', policy);
  return response;
}

export const config = {
  // Documents, flight data and actions; not the build assets, the route handlers or the icon, which get
  // NON_DOCUMENT_POLICY from next.config.ts (the same paths there).
  matcher: [{ source: '/((?!_next/static/|_next/image|api/|icon.svg).*)' }],
};
