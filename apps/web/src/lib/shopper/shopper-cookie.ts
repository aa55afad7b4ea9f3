import 'server-only';
import { SHOPPER_SESSION_COOKIE } from '@livecart/schemas/customer';
import { cookies, headers } from 'next/headers';
import { NextResponse } from 'next/server';
import type { CallerHeaders } from '@/lib/api/auth';
import { forwardedFor } from '@/lib/client-address/client-address';
import { CART_ID_COOKIE } from './cart-cookie';


const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The shopper's own session cookie (if any) and address, to forward on a call made for them. */
export async function shopperCaller(): Promise<CallerHeaders> {
  const value = (await cookies()).get(SHOPPER_SESSION_COOKIE)?.value;
  const caller = await forwardedFor();
  return value ? { ...caller, cookie: `${SHOPPER_SESSION_COOKIE}=${encodeURIComponent(value)}` } : caller;
}

export async function hasShopperSession(): Promise<boolean> {
  return Boolean((await cookies()).get(SHOPPER_SESSION_COOKIE)?.value);
}

/**
 * Copies the shopper cookie the API set (a new guest session, a sign-in's rotated one) onto this origin,
 * with the API's expiry; a cleared one (sign-out) is cleared here too. Only callable from server actions
 * and route handlers. `caller`, when given, is updated to the new session.
 */
export async function relayShopperCookie(apiHeaders: Headers, caller?: CallerHeaders): Promise<void> {
  const cookie = new NextResponse(null, { headers: apiHeaders }).cookies.get(SHOPPER_SESSION_COOKIE);
  if (cookie === undefined) return;
  // Later calls of the same action go out as the new session.
  if (caller !== undefined) {
    if (cookie.value) caller.cookie = `${SHOPPER_SESSION_COOKIE}=${encodeURIComponent(cookie.value)}`;
    else delete caller.cookie;
  }
  const jar = await cookies();
  const expires = cookie.expires === undefined ? undefined : new Date(cookie.expires);
  if (!cookie.value || (expires !== undefined && expires.getTime() <= Date.now())) {
    jar.delete({ name: SHOPPER_SESSION_COOKIE, path: '/' });
    return;
  }
  const proto = (await headers()).get('x-forwarded-proto')?.split(',')[0]?.trim();
  jar.set(SHOPPER_SESSION_COOKIE, cookie.value, {
    httpOnly: true,
    sameSite: 'lax',
    secure: proto === 'https',
    path: '/',
    ...(expires === undefined ? {} : { expires }),
  });
}

export async function rememberedCartId(): Promise<string | null> {
  const value = (await cookies()).get(CART_ID_COOKIE)?.value;
  return value !== undefined && UUID.test(value) ? value : null;
}

export async function rememberCartId(id: string | null): Promise<void> {
  const jar = await cookies();
  if (id === null) jar.delete({ name: CART_ID_COOKIE, path: '/' });
  else jar.set(CART_ID_COOKIE, id, { httpOnly: true, sameSite: 'lax', path: '/' });
}
