export interface OriginPolicy {
  /** Exact origins (scheme://host[:port]) allowed; `*` allows any. */
  allowedOrigins: readonly string[];
  /** Whether a request without Origin (not a browser) may connect. */
  allowNoOrigin: boolean;
  /**
   * Whether an Origin naming the request's own Host is allowed without being listed: the debug page this
   * server serves at `/`. Development only (NODE_ENV=development said explicitly): elsewhere it would let
   * in any site whose name an attacker points at this server (DNS rebinding), since such a page's Origin
   * equals the Host its browser sends.
   */
  allowSameHost: boolean;
}

/**
 * Browsers always send Origin on a WebSocket handshake and let any page open one, so the allow-list is what
 * stops a foreign site from riding a visitor's browser.
 */
export function isOriginAllowed(origin: string | undefined, host: string | undefined, policy: OriginPolicy): boolean {
  if (origin === undefined || origin === '') return policy.allowNoOrigin;
  if (policy.allowedOrigins.includes('*') || policy.allowedOrigins.includes(origin)) return true;
  if (!policy.allowSameHost || host === undefined) return false;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}
