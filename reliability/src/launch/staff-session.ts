import { randomBytes } from 'node:crypto';
import { createStaffUser } from '@livecart/local-services/testing';

export type StaffRole = 'viewer' | 'editor' | 'admin';

/**
 * A staff account made with the api's users:create, signed in through POST /v1/auth/login: resolves with
 * the `Cookie` header value (`livecart_session=…`) a browser would send back.
 */
export async function signInStaff(apiUrl: string, databaseUrl: string, options: { email: string; role: StaffRole }): Promise<string> {
  const password = `suite-${randomBytes(12).toString('base64url')}`;
  await createStaffUser(databaseUrl, { ...options, password });
  const response = await fetch(`${apiUrl}/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: options.email, password }),
    signal: AbortSignal.timeout(10_000),
  });
  const cookie = /livecart_session=[^;]+/.exec(response.headers.get('set-cookie') ?? '')?.[0];
  if (response.status !== 200 || cookie === undefined) throw new Error(`signing in ${options.email} answered ${response.status}: ${await response.text()}`);
  return cookie;
}
