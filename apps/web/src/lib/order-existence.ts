import { SHOPPER_SESSION_COOKIE } from '@livecart/schemas/customer';
import type { NextRequest } from 'next/server';
import { env } from '@/env';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Whether the API serves order `id` to this request (its shopper cookie, its link token), decided before
 * the order page renders: false for a 404, undefined when the API could not say (the page then decides).
 * Not cached: who may read an order depends on the caller.
 */
export async function orderVisible(request: NextRequest, id: string): Promise<boolean | undefined> {
  if (!UUID.test(id)) return false;
  const headers: Record<string, string> = {};
  const session = request.cookies.get(SHOPPER_SESSION_COOKIE)?.value;
  if (session) headers.cookie = `${SHOPPER_SESSION_COOKIE}=${encodeURIComponent(session)}`;
  const token = request.nextUrl.searchParams.get('token');
  if (token) headers.authorization = `Order ${token}`;
  try {
    const response = await fetch(new URL(`/v1/orders/${id}`, env.API_URL), { headers, cache: 'no-store', signal: AbortSignal.timeout(env.API_TIMEOUT_MS) });
    if (response.status === 404) return false;
    return response.ok ? true : undefined;
  } catch {
    return undefined;
  }
}
