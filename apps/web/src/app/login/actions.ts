'use server';

import { LoginSchema } from '@livecart/schemas';
import { redirect } from 'next/navigation';
import { login, logout, logoutEverywhere } from '@/lib/api/auth';
import { ApiError } from '@/lib/api/http';
import { forwardedFor } from '@/lib/client-address/client-address';
import { safeNextPath } from '@/lib/auth/login-redirect';
import { dropSession, sessionCredential, sessionFromSetCookie, storeSession } from '@/lib/auth/session-cookie';

export type LoginState = { status: 'idle' } | { status: 'error'; message: string; email: string };

const sentence = (message: string) => `${message.charAt(0).toUpperCase()}${message.slice(1)}${/[.!?]$/.test(message) ? '' : '.'}`;

/**
 * Signs in through the API (`POST /v1/auth/login`) and keeps the session it set on this origin, then
 * goes to `next` if that is a path of this site. A refusal shows the API's own words, which never say
 * whether the email exists.
 */
export async function signIn(_previous: LoginState, formData: FormData): Promise<LoginState> {
  const email = String(formData.get('email') ?? '').trim();
  const input = LoginSchema.safeParse({ email, password: String(formData.get('password') ?? '') });
  if (!input.success) return { status: 'error', message: 'Enter your email address and your password.', email };
  let answer: Awaited<ReturnType<typeof login>>;
  try {
    answer = await login(input.data, await forwardedFor());
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    if (error.status === 429) {
      const wait = error.retryAfterSeconds;
      return { status: 'error', message: wait === null ? 'Too many attempts. Try again later.' : `Too many attempts. Try again in ${wait} s.`, email };
    }
    if (error.status === 401 || error.status === 400) return { status: 'error', message: sentence(error.message), email };
    return { status: 'error', message: error.retryable ? 'Sign-in is unavailable right now. Try again in a moment.' : sentence(error.message), email };
  }
  const session = sessionFromSetCookie(answer.headers);
  if (session === undefined) return { status: 'error', message: 'Sign-in is unavailable right now: the API set no session.', email };
  await storeSession(session);
  redirect(safeNextPath(formData.get('next')));
}

/** Ends this session at the API, then forgets the cookie here. */
export async function signOut(): Promise<void> {
  const credential = await sessionCredential();
  if (credential !== null) await logout({ ...credential, ...(await forwardedFor()) });
  await dropSession();
  redirect('/login');
}

/** Ends every session of the signed-in user (other browsers too), then forgets the cookie here. */
export async function signOutEverywhere(): Promise<void> {
  const credential = await sessionCredential();
  if (credential !== null) {
    try {
      await logoutEverywhere({ ...credential, ...(await forwardedFor()) });
    } catch (error) {
      // Already signed out: nothing is left to end.
      if (!(error instanceof ApiError && error.status === 401)) throw error;
    }
  }
  await dropSession();
  redirect('/login');
}
