import { baseEnv, databaseEnv, DEV_ADMIN_TOKEN, EnvError, envBoolean, envInt, envList, httpEnv, loadEnv, redisEnv, type EnvSource } from '@livecart/config/env';
import { z } from 'zod';

/** Used only when NODE_ENV=development and ADMIN_TOKEN is unset; printed at startup. */
export { DEV_ADMIN_TOKEN };

const apiEnv = {
  ...baseEnv,
  ...httpEnv(4000),
  ...databaseEnv,
  ...redisEnv,
  ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  CORS_ORIGINS: envList(['http://localhost:3000', 'http://127.0.0.1:3000']),
  TRUST_PROXY: envBoolean(false),
  BODY_LIMIT_BYTES: envInt({ min: 1024, max: 10 * 1024 * 1024, default: 1024 * 1024 }),
  REQUEST_TIMEOUT_MS: envInt({ min: 1000, max: 600_000, default: 30_000 }),
  KEEP_ALIVE_TIMEOUT_MS: envInt({ min: 1000, max: 600_000, default: 72_000 }),
  CONNECTION_TIMEOUT_MS: envInt({ min: 0, max: 600_000, default: 120_000 }),
  SHUTDOWN_TIMEOUT_MS: envInt({ min: 100, max: 600_000, default: 10_000 }),
  SLOW_REQUEST_MS: envInt({ min: 1, max: 600_000, default: 1_000 }),
  DATABASE_STATEMENT_TIMEOUT_MS: envInt({ min: 100, max: 600_000, default: 5_000 }),
  REDIS_COMMAND_TIMEOUT_MS: envInt({ min: 10, max: 60_000, default: 250 }),
  CACHE_L1_MAX_ENTRIES: envInt({ min: 1, max: 10_000_000, default: 20_000 }),
  CACHE_L1_TTL_MS: envInt({ min: 100, max: 86_400_000, default: 60_000 }),
  CACHE_L2_TTL_MS: envInt({ min: 1000, max: 86_400_000 * 7, default: 600_000 }),
  RATE_LIMIT_ENABLED: envBoolean(true),
  RATE_LIMIT_WINDOW_MS: envInt({ min: 1000, max: 3_600_000, default: 60_000 }),
  RATE_LIMIT_READ_MAX: envInt({ min: 1, max: 1_000_000_000, default: 1_200 }),
  RATE_LIMIT_WRITE_MAX: envInt({ min: 1, max: 1_000_000_000, default: 120 }),
  RATE_LIMIT_SYNC_MS: envInt({ min: 50, max: 60_000, default: 1_000 }),
  RATE_LIMIT_ALLOW_LIST: envList([]),
  OUTBOX_RELAY_ENABLED: envBoolean(true),
  OUTBOX_POLL_MS: envInt({ min: 10, max: 60_000, default: 300 }),
  OUTBOX_LOCK_RETRY_MS: envInt({ min: 10, max: 60_000, default: 1_000 }),
  OUTBOX_BATCH_SIZE: envInt({ min: 1, max: 10_000, default: 500 }),
  OUTBOX_STREAM_MAXLEN: envInt({ min: 100, max: 100_000_000, default: 100_000 }),
  /** Development only (src/dev.ts): move prices and stock every second and place occasional orders. */
  DEMO_TRAFFIC: envBoolean(true),
  DEMO_INTERVAL_MS: envInt({ min: 100, max: 60_000, default: 1_000 }),
  OUTBOX_RETENTION_HOURS: envInt({ min: 1, max: 24 * 365, default: 72 }),
};

export type ApiEnv = Omit<z.output<z.ZodObject<typeof apiEnv>>, 'ADMIN_TOKEN'> & {
  ADMIN_TOKEN: string;
  /** True when the development default stands in for a missing ADMIN_TOKEN. */
  ADMIN_TOKEN_IS_DEFAULT: boolean;
};

/**
 * The one place that reads the process environment. Outside development a missing ADMIN_TOKEN is an
 * error, and so is the development default set explicitly (it is published in the source and printed
 * at startup), so a production deployment can never start with a guessable credential.
 */
export function loadApiEnv(source: EnvSource = process.env): ApiEnv {
  const env = loadEnv(apiEnv, source);
  if (env.ADMIN_TOKEN === DEV_ADMIN_TOKEN && env.NODE_ENV !== 'development') {
    throw new EnvError([
      { variable: 'ADMIN_TOKEN', message: `must not be the public development token when NODE_ENV=${env.NODE_ENV}`, received: '<redacted>' },
    ]);
  }
  if (env.ADMIN_TOKEN !== undefined) return { ...env, ADMIN_TOKEN: env.ADMIN_TOKEN, ADMIN_TOKEN_IS_DEFAULT: false };
  if (env.NODE_ENV === 'development') return { ...env, ADMIN_TOKEN: DEV_ADMIN_TOKEN, ADMIN_TOKEN_IS_DEFAULT: true };
  throw new EnvError([
    { variable: 'ADMIN_TOKEN', message: `is required when NODE_ENV=${env.NODE_ENV}`, received: undefined },
  ]);
}

const toolEnv = { ...baseEnv, DATABASE_URL: databaseEnv.DATABASE_URL };

/** What the migrate and seed commands need: they run as jobs that hold no admin credential. */
export function loadToolEnv(source: EnvSource = process.env): z.output<z.ZodObject<typeof toolEnv>> {
  return loadEnv(toolEnv, source);
}
