import { createHash, timingSafeEqual } from 'node:crypto';

export type TokenCheck = 'ok' | 'missing' | 'wrong';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Compares `Authorization: Bearer <token>` with the expected token in constant time: both sides are
 * hashed first, so neither the length nor a shared prefix shows in the timing.
 */
export function createTokenCheck(expected: string): (authorization: string | undefined) => TokenCheck {
  const expectedDigest = digest(expected);
  return (authorization) => {
    if (authorization === undefined) return 'missing';
    const match = /^Bearer[ \t]+(\S+)\s*$/i.exec(authorization);
    if (match === null) return 'missing';
    return timingSafeEqual(digest(match[1] as string), expectedDigest) ? 'ok' : 'wrong';
  };
}
