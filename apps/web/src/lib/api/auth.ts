import 'server-only';
import { type Login, StaffSessionSchema } from '@livecart/schemas';
import { z } from 'zod';
import { ApiError, apiRequest } from './http';

/** Headers that stand for a caller: its session cookie and the shopper's address. */
export type CallerHeaders = Record<string, string>;

/** Signs in at the API; its answer's Set-Cookie carries the new session. */
export async function login(credentials: Login, caller: CallerHeaders) {
  const { data, headers } = await apiRequest('/v1/auth/login', { method: 'POST', body: credentials, headers: caller, schema: StaffSessionSchema });
  return { session: data, headers };
}

/** Who the session cookie in `caller` belongs to, or null if it has none (expired, revoked, forged). */
export async function fetchSession(caller: CallerHeaders) {
  try {
    const { data } = await apiRequest('/v1/auth/session', { headers: caller, schema: StaffSessionSchema });
    return data;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

export async function logout(caller: CallerHeaders): Promise<void> {
  await apiRequest('/v1/auth/logout', { method: 'POST', headers: caller, schema: z.null() });
}

export async function logoutEverywhere(caller: CallerHeaders): Promise<void> {
  await apiRequest('/v1/auth/logout-everywhere', { method: 'POST', headers: caller, schema: z.null() });
}
