/** Where a successful sign-in goes when no (acceptable) `next` was given. */
export const DEFAULT_AFTER_LOGIN = '/admin';

/**
 * `next` if it is a path on this site (`/admin?category=home`), else the default: an absolute URL,
 * a protocol-relative `//host`, a backslash (browsers read `/\host` as `//host`) or a control
 * character would let a link to the login page send people elsewhere after they sign in.
 */
export function safeNextPath(next: unknown, fallback = DEFAULT_AFTER_LOGIN): string {
  if (typeof next !== 'string' || next.length > 2_000) return fallback;
  if (!next.startsWith('/') || next.startsWith('//') || next.includes('\\') || [...next].some((c) => c < ' ' || c === '\u007f')) return fallback;
  // Resolved against a placeholder origin: what stays on it is a path of ours, normalised.
  const base = 'http://livecart.invalid';
  const url = new URL(next, base);
  if (url.origin !== base || url.pathname === '/login') return fallback;
  return `${url.pathname}${url.search}${url.hash}`;
}

/** The login page, asked to come back to `path` afterwards. */
export function loginHref(path: string): string {
  return `/login?${new URLSearchParams({ next: safeNextPath(path) }).toString()}`;
}
