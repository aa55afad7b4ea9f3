export interface OriginPolicy {
  /** Exact origins (scheme://host[:port]) allowed; `*` allows any. */
  allowedOrigins: readonly string[];
  /** Whether a request without Origin (not a browser) may connect. */
  allowNoOrigin: boolean;
}

/**
 * Browsers always send Origin on a WebSocket handshake and let any page open one, so the allow-list is what
 * stops a foreign site from riding a visitor's browser. A page served by this very host (the debug page)
 * is same-origin and always allowed.
 */
export function isOriginAllowed(origin: string | undefined, host: string | undefined, policy: OriginPolicy): boolean {
  if (origin === undefined || origin === '') return policy.allowNoOrigin;
  if (policy.allowedOrigins.includes('*') || policy.allowedOrigins.includes(origin)) return true;
  if (host === undefined) return false;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}
