import 'server-only';
import { randomBytes, timingSafeEqual } from 'node:crypto';

export const REVALIDATE_SECRET_HEADER = 'x-livecart-revalidate';

const KEY = Symbol.for('livecart.web.revalidate-secret');
const store = globalThis as typeof globalThis & { [KEY]?: string };

/**
 * A per-process secret that only this server's cache invalidator knows, so /api/revalidate cannot be
 * called from outside. Kept on globalThis because the instrumentation hook and the route handler are
 * separate bundles in the same process.
 */
export function revalidateSecret(): string {
  store[KEY] ??= randomBytes(32).toString('hex');
  return store[KEY];
}

export function isRevalidateSecret(candidate: string | null): boolean {
  const expected = Buffer.from(revalidateSecret());
  const given = Buffer.from(candidate ?? '');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
