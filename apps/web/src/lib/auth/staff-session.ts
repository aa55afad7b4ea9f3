import 'server-only';
import type { StaffRole, StaffSession } from '@livecart/schemas';
import { redirect } from 'next/navigation';
import { cache } from 'react';
import { fetchSession } from '@/lib/api/auth';
import type { ApiError } from '@/lib/api/http';
import { forwardedFor } from '@/lib/client-address/client-address';
import { loginHref } from './login-redirect';
import { hasRole } from './roles';
import { sessionCredential } from './session-cookie';

/** The signed-in staff member, as the API says now (so a disable or role change counts at once); once per render. */
export const currentStaffSession = cache(async (): Promise<StaffSession | null> => {
  const credential = await sessionCredential();
  return credential === null ? null : fetchSession({ ...credential, ...(await forwardedFor()) });
});

/**
 * For every admin page, first: the session, or the login page asked to come back to `path`. The API
 * checks every write again itself; this decides what the page shows.
 */
export async function requireStaffPage(path: string): Promise<StaffSession> {
  const session = await currentStaffSession();
  if (session === null) redirect(loginHref(path));
  return session;
}

/** The visitor's own session cookie and address, for an admin page's reads after requireStaffPage. */
export async function staffReadHeaders(): Promise<Record<string, string>> {
  return { ...(await sessionCredential()), ...(await forwardedFor()) };
}

/** The refusal an admin action answers with when the role is too low: no call to the API was made. */
export interface Forbidden {
  status: 'forbidden';
  message: string;
}

export function forbidden(role: StaffRole, needed: StaffRole): Forbidden {
  return { status: 'forbidden', message: `Not allowed: this needs the ${needed} role; you are signed in as ${role}.` };
}

export interface StaffCaller {
  session: StaffSession;
  /** The user's own session cookie and the shopper's address, for the API call. */
  headers: Record<string, string>;
}

/**
 * For every admin server action, first: no session (none, expired, revoked, user disabled) → the login
 * page; a role below `needed` → a Forbidden state; else the user's own credential to call the API with.
 */
export async function authorizeAction(needed: StaffRole): Promise<StaffCaller | Forbidden> {
  const credential = await sessionCredential();
  if (credential === null) redirect('/login');
  const headers = { ...credential, ...(await forwardedFor()) };
  const session = await fetchSession(headers);
  if (session === null) redirect('/login');
  if (!hasRole(session.user.role, needed)) return forbidden(session.user.role, needed);
  return { session, headers };
}

/**
 * The API's own verdict on the user's credential, after the check above passed (the session ended or
 * the role changed in between): signed out → the login page; not allowed → Forbidden; else undefined.
 */
export function refusalOf(error: ApiError): Forbidden | undefined {
  if (error.status === 401) redirect('/login');
  if (error.status === 403) return { status: 'forbidden', message: `Not allowed: ${error.message}.` };
  return undefined;
}
