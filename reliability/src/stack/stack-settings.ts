/**
 * App settings the fault stack starts with (each app's src/env.ts documents them). They keep every
 * timeout short, so a fault shows its effect within seconds, and switch off what would get in the
 * way of load from one loopback address.
 */
export const API_SETTINGS: Readonly<Record<string, string>> = {
  // A statement (and, client-side, a query) that takes longer fails the request with a 503.
  DATABASE_STATEMENT_TIMEOUT_MS: '2000',
  // The request path's Redis commands: past this, the cache is skipped and Postgres answers.
  REDIS_COMMAND_TIMEOUT_MS: '250',
  // The relay polls this often besides NOTIFY, and a standby tries the relay lease this often; the lease
  // lapses after OUTBOX_LEASE_MS unless renewed (the default, 3 s: what the freeze test measures).
  OUTBOX_POLL_MS: '100',
  OUTBOX_LOCK_RETRY_MS: '250',
  // All load comes from one address; the limits are tested elsewhere.
  RATE_LIMIT_ENABLED: 'false',
  SHUTDOWN_TIMEOUT_MS: '5000',
};

export const REALTIME_SETTINGS: Readonly<Record<string, string>> = {
  // A socket whose peer vanished without a close is found within 2-4 s instead of 30-40 s.
  WS_HEARTBEAT_INTERVAL_MS: '2000',
  WS_HEARTBEAT_TIMEOUT_MS: '2000',
  SHUTDOWN_GRACE_MS: '1000',
};

/**
 * Added to API_SETTINGS where webhooks are delivered (the webhook faults): receivers run on this machine,
 * and every wait is short so that each fault and its recovery fit in seconds.
 */
export const WEBHOOK_SETTINGS: Readonly<Record<string, string>> = {
  // Plain HTTP to loopback, which the API's SSRF rules refuse unless allowed.
  WEBHOOK_ALLOW_HTTP: 'true',
  WEBHOOK_ALLOWED_NETWORKS: '127.0.0.0/8,::1/128',
  // A receiver that has not answered within 1 s has failed (the default is 10 s).
  WEBHOOK_TIMEOUT_MS: '1000',
  // A failed message is tried again after 50-100 ms, then twice as long each time, up to 1 s.
  WEBHOOK_RETRY_BASE_MS: '100',
  WEBHOOK_RETRY_MAX_MS: '1000',
  // As the relay's: the worker's poll, and how often a standby tries its lease (WEBHOOK_LEASE_MS keeps its default, 5 s).
  WEBHOOK_POLL_MS: '100',
  WEBHOOK_LOCK_RETRY_MS: '250',
};
