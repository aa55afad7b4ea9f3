import { fastifyCookie, signerFactory } from '@fastify/cookie';
import { SESSION_COOKIE } from '@livecart/schemas';

export { SESSION_COOKIE };

/** Signs and reads the session cookie; a forged or tampered one is dropped before any lookup. */
export function createSessionCookie(secret: string) {
  const signer = signerFactory(secret, 'sha256');
  return {
    sign: (sessionId: string) => signer.sign(sessionId),
    /** The session id a Cookie header carries, if it carries a validly signed one. */
    read(cookieHeader: string | undefined): string | undefined {
      if (cookieHeader === undefined || !cookieHeader.includes(SESSION_COOKIE)) return undefined;
      const value = fastifyCookie.parse(cookieHeader)[SESSION_COOKIE];
      if (value === undefined) return undefined;
      const unsigned = signer.unsign(value);
      return unsigned.valid && unsigned.value !== null ? unsigned.value : undefined;
    },
  };
}

export type SessionCookie = ReturnType<typeof createSessionCookie>;
