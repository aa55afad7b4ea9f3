'use server';

import { CustomerLoginSchema, CustomerSignUpSchema } from '@livecart/schemas/customer';
import { redirect } from 'next/navigation';
import type { CallerHeaders } from '@/lib/api/auth';
import { openCart } from '@/lib/api/carts';
import { signInCustomer, signOutCustomer, signUpCustomer } from '@/lib/api/customers';
import { ApiError } from '@/lib/api/http';
import { safeNextPath } from '@/lib/auth/login-redirect';
import { relayShopperCookie, rememberCartId, shopperCaller } from '@/lib/shopper/shopper-cookie';

export type AccountFormState = { status: 'idle' } | { status: 'error'; message: string; email: string };

const sentence = (message: string) => `${message.charAt(0).toUpperCase()}${message.slice(1)}${/[.!?]$/.test(message) ? '' : '.'}`;

/** After sign-in or sign-up: the customer's cart (the guest's merged into it) becomes the one this browser uses. */
async function adoptSession(headers: Headers, caller: CallerHeaders): Promise<void> {
  await relayShopperCookie(headers, caller);
  const { cart, headers: cartHeaders } = await openCart(caller);
  await relayShopperCookie(cartHeaders, caller);
  await rememberCartId(cart.id);
}

function refusal(error: unknown, email: string): AccountFormState {
  if (!(error instanceof ApiError)) throw error;
  if (error.status === 429) {
    const wait = error.retryAfterSeconds;
    return { status: 'error', message: wait === null ? 'Too many attempts. Try again later.' : `Too many attempts. Try again in ${wait} s.`, email };
  }
  if (error.status === 400 && error.details[0] !== undefined) {
    const field = error.details[0].field.replace(/^body\./, '');
    return { status: 'error', message: sentence(`${field === 'password' ? 'The password' : field === 'email' ? 'The email' : field} ${error.details[0].message}`), email };
  }
  if (error.status === 401 || error.status === 409 || error.status === 400) return { status: 'error', message: sentence(error.message), email };
  return { status: 'error', message: error.retryable ? 'Accounts are unavailable right now. Try again in a moment.' : sentence(error.message), email };
}

export async function signUp(_previous: AccountFormState, formData: FormData): Promise<AccountFormState> {
  const email = String(formData.get('email') ?? '').trim();
  const input = CustomerSignUpSchema.safeParse({ email, password: String(formData.get('password') ?? '') });
  if (!input.success) {
    const issue = input.error.issues[0];
    return { status: 'error', message: issue?.path[0] === 'password' ? sentence(`The password ${issue.message}`) : 'Enter a valid email address.', email };
  }
  const caller = await shopperCaller();
  try {
    const { headers } = await signUpCustomer(input.data, caller);
    await adoptSession(headers, caller);
  } catch (error) {
    return refusal(error, email);
  }
  redirect(safeNextPath(formData.get('next'), '/account'));
}

export async function customerSignIn(_previous: AccountFormState, formData: FormData): Promise<AccountFormState> {
  const email = String(formData.get('email') ?? '').trim();
  const input = CustomerLoginSchema.safeParse({ email, password: String(formData.get('password') ?? '') });
  if (!input.success) return { status: 'error', message: 'Enter your email address and your password.', email };
  const caller = await shopperCaller();
  try {
    const { headers } = await signInCustomer(input.data, caller);
    await adoptSession(headers, caller);
  } catch (error) {
    return refusal(error, email);
  }
  redirect(safeNextPath(formData.get('next'), '/account'));
}

/** Ends the shopper session at the API and forgets it (and its cart) here. */
export async function customerSignOut(): Promise<void> {
  const { headers } = await signOutCustomer(await shopperCaller());
  await relayShopperCookie(headers);
  await rememberCartId(null);
  redirect('/');
}
