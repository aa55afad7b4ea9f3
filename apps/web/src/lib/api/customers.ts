import 'server-only';
import { type CustomerLogin, type CustomerSignUp, ShopperSessionSchema } from '@livecart/schemas/customer';
import { z } from 'zod';
import type { CallerHeaders } from './auth';
import { ApiError, apiRequest } from './http';

/** Makes a customer account and signs it in; the answer's Set-Cookie carries the new shopper session. */
export async function signUpCustomer(account: CustomerSignUp, caller: CallerHeaders) {
  const { data, headers } = await apiRequest('/v1/customers', { method: 'POST', body: account, headers: caller, schema: ShopperSessionSchema });
  return { session: data, headers };
}

/** Signs a customer in (a guest cart in `caller`'s session is merged into theirs); Set-Cookie carries the new session. */
export async function signInCustomer(credentials: CustomerLogin, caller: CallerHeaders) {
  const { data, headers } = await apiRequest('/v1/customer-auth/login', { method: 'POST', body: credentials, headers: caller, schema: ShopperSessionSchema });
  return { session: data, headers };
}

export async function signOutCustomer(caller: CallerHeaders) {
  const { headers } = await apiRequest('/v1/customer-auth/logout', { method: 'POST', headers: caller, schema: z.null() });
  return { headers };
}

/** The signed-in customer's session, or null for a guest or no session. */
export async function fetchCustomerSession(caller: CallerHeaders) {
  try {
    const { data } = await apiRequest('/v1/customer-auth/session', { headers: caller, schema: ShopperSessionSchema });
    return data;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}
