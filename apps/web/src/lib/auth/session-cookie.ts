import 'server-only';
import { cookies, headers } from 'next/headers';
import { NextResponse } from 'next/server';
import { SESSION_COOKIE } from '@livecart/schemas';
import type { CallerHeaders } from '@/lib/api/auth';

export { SESSION_COOKIE };

/** The session the API's answer set (`Set-Cookie: livecart_session=…`), read with Next's own cookie parser. */
export function sessionFromSetCookie(apiHeaders: Headers): { value: string; expires: Date | undefined } | undefined {
  const cookie = new NextResponse(null, { headers: apiHeaders }).cookies.get(SESSION_COOKIE);
  if (!cookie?.value) return undefined;
  return { value: cookie.value, expires: cookie.expires === undefined ? undefined : new Date(cookie.expires) };
}

/** `Cookie: livecart_session=…` to forward the visitor's own session to the API, or null without one. */
export async function sessionCredential(): Promise<CallerHeaders | null> {
  const value = (await cookies()).get(SESSION_COOKIE)?.value;
  return value ? { cookie: `${SESSION_COOKIE}=${encodeURIComponent(value)}` } : null;
}

/**
 * Keeps the API's session on this origin: httpOnly, SameSite=Lax, path /, the API's expiry, and Secure
 * when the visitor's request came over HTTPS (as the proxy in front, or Next from the socket, says).
 */
export async function storeSession(session: { value: string; expires: Date | undefined }): Promise<void> {
  const proto = (await headers()).get('x-forwarded-proto')?.split(',')[0]?.trim();
  (await cookies()).set(SESSION_COOKIE, session.value, {
    httpOnly: true,
    sameSite: 'lax',
    secure: proto === 'https',
    path: '/',
    ...(session.expires === undefined ? {} : { expires: session.expires }),
  });
}

export async function dropSession(): Promise<void> {
  (await cookies()).delete({ name: SESSION_COOKIE, path: '/' });
}
