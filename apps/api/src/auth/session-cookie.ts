import { fastifyCookie, signerFactory } from '@fastify/cookie';
import { SESSION_COOKIE } from '@livecart/schemas';

export { SESSION_COOKIE };

/**
 * Signs and reads a session cookie (the staff one unless another name is given: shoppers have their own);
 * a forged or tampered one is dropped before any lookup.
 */
export function createSessionCookie(secret: string, name: string = SESSION_COOKIE) {
  const signer = signerFactory(secret, 'sha256');
  return {
    name,
    sign: (sessionId: string) => signer.sign(sessionId),
    /** A Set-Cookie value for this cookie. */
    serialize: (value: string, options: Parameters<typeof fastifyCookie.serialize>[2]) => fastifyCookie.serialize(name, value, options),
    /** The session id a Cookie header carries, if it carries a validly signed one. */
    read(cookieHeader: string | undefined): string | undefined {
      if (cookieHeader === undefined || !cookieHeader.includes(name)) return undefined;
      const value = fastifyCookie.parse(cookieHeader)[name];
      if (value === undefined) return undefined;
      const unsigned = signer.unsign(value);
      return unsigned.valid && unsigned.value !== null ? unsigned.value : undefined;
    },
  };
}

export type SessionCookie = ReturnType<typeof createSessionCookie>;
