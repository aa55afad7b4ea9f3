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
