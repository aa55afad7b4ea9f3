import { createHash, randomBytes } from 'node:crypto';

/** 256 random bits, URL-safe: the secret behind a session cookie or an API key. */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** What is stored and looked up instead of a secret. Secrets are random, so a fast hash is enough. */
export function digestOf(secret: string): Buffer {
  return createHash('sha256').update(secret).digest();
}
