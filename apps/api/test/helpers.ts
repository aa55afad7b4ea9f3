import { clearRedisPrefix, createTestDatabase, REALTIME_TOKEN_KEYS_OF_RUN, roomInWindow, testRedisPrefix, type TestDatabase } from '@livecart/local-services/testing';
import { API_KEY_SCOPES, type OrderPlaced, type Product, type ProductCreateInput } from '@livecart/schemas';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import pino from 'pino';
import { inject } from 'vitest';
import { buildApp, type BuildAppOptions } from '../src/app.js';
import { runMigrations } from '../src/db/migrate.js';
import { connectionConfig, createPool } from '../src/db/pool.js';
import type { OutboxRelayOptions } from '../src/outbox/relay.js';
import { loadApiEnv, type ApiEnv } from '../src/env.js';
import { digestOf } from '../src/auth/credential-secret.js';

/**
 * The suite's own API key, with every scope, stored in each test database as it is created (as the
 * keys:create command stores one: only its digest). The API holds no static credential of its own.
 */
const SUITE_KEY = 'lck_suite-key-with-every-scope-0123456789';
export const AUTH = { authorization: `Bearer ${SUITE_KEY}` };
export const SESSION_SECRET = 'test-session-secret-0123456789-abcdefghij';
/** The suite's order-link key ring and payment webhook secret (set explicitly, so tests can sign and forge). */
export const ORDER_LINK_KEYS = 'suite:test-order-link-key-0123456789-abcdefghij';
export const PAYMENT_WEBHOOK_SECRET = 'test-payment-webhook-secret-0123456789-abcdef';
/** Seals webhook endpoints' secrets; every app of a test, in this process or a child, opens what another sealed. */
export const WEBHOOK_SECRET_KEYS = `suite:${Buffer.from('test-webhook-sealing-key-0123456').toString('base64')}`;

/** A database and a Redis prefix of this test file's own, and apps built on them; `close()` removes all. */
export interface TestContext {
  databaseUrl: string;
  redisUrl: string;
  prefix: string;
  env(overrides?: Record<string, string>): ApiEnv;
  /** The environment of an api started as its own process (production mode) on `port`, on this context's data. */
  processEnv(port: number, overrides?: Record<string, string>): NodeJS.ProcessEnv;
  /**
   * An app on this context's data. One with a low rate limit (RATE_LIMIT_*_MAX) is handed over only with
   * time left in the current limit window (roomInWindow), so a test can count up to the limit.
   */
  app(overrides?: Record<string, string>, options?: Omit<BuildAppOptions, 'env'>): Promise<FastifyInstance>;
  close(): Promise<void>;
}

/** Rate limits below this many requests a window are ones a test counts up to. */
const COUNTED_LIMIT = 1_000;

export async function createTestContext(label: string): Promise<TestContext> {
  const redisUrl = inject('redisUrl');
  const database: TestDatabase = await createTestDatabase({
    adminUrl: inject('adminDatabaseUrl'),
    migrate: async (databaseUrl) => {
      await runMigrations({ databaseUrl });
      const pool = testPool(databaseUrl);
      try {
        await pool.query('INSERT INTO api_keys (name, key_digest, prefix, scopes) VALUES ($1, $2, $3, $4)', ['test suite', digestOf(SUITE_KEY), SUITE_KEY.slice(0, 10), [...API_KEY_SCOPES]]);
      } finally {
        await pool.end();
      }
    },
  });
  const prefix = testRedisPrefix(label);
  const apps: FastifyInstance[] = [];
  const env = (overrides: Record<string, string> = {}) =>
    loadApiEnv({
      NODE_ENV: 'test',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      DATABASE_URL: database.url,
      REDIS_URL: redisUrl,
      REDIS_PREFIX: prefix,
      SESSION_SECRET,
      OUTBOX_POLL_MS: '50',
      OUTBOX_LOCK_RETRY_MS: '200',
      OUTBOX_LEASE_MS: '1500',
      RATE_LIMIT_READ_MAX: '100000',
      RATE_LIMIT_WRITE_MAX: '100000',
      RATE_LIMIT_ORDER_MAX: '100000',
      RATE_LIMIT_SHOPPER_ORDER_MAX: '100000',
      ORDER_LINK_KEYS,
      PAYMENT_WEBHOOK_SECRET,
      WEBHOOK_SECRET_KEYS,
      ...overrides,
    });
  return {
    databaseUrl: database.url,
    redisUrl,
    prefix,
    env,
    processEnv: (port, overrides = {}) => ({
      ...process.env,
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      PORT: String(port),
      DATABASE_URL: database.url,
      REDIS_URL: redisUrl,
      REDIS_PREFIX: prefix,
      SESSION_SECRET,
      REALTIME_TOKEN_KEYS: REALTIME_TOKEN_KEYS_OF_RUN,
      ORDER_LINK_KEYS,
      PAYMENT_WEBHOOK_SECRET,
      WEBHOOK_SECRET_KEYS,
      ...overrides,
    }),
    async app(overrides, options = {}) {
      const appEnv = env(overrides);
      const app = await buildApp({ ...options, env: appEnv });
      apps.push(app);
      await app.ready();
      const counted = Object.entries(overrides ?? {}).some(([name, value]) => /^RATE_LIMIT_[A-Z_]+_MAX$/.test(name) && Number(value) < COUNTED_LIMIT);
      // Counted up to by the test: with time left in the limit window (a quarter of a short one, at most 10 s).
      if (counted) await roomInWindow(appEnv.RATE_LIMIT_WINDOW_MS, Math.min(10_000, appEnv.RATE_LIMIT_WINDOW_MS / 4));
      return app;
    },
    async close() {
      await Promise.all(apps.map((app) => app.close()));
      await clearRedisPrefix(redisUrl, prefix);
      await database.drop();
    },
  };
}

let skuCounter = 0;

/** A valid product body; sku unique within the test run. */
export function productInput(overrides: Partial<ProductCreateInput> = {}): ProductCreateInput {
  skuCounter++;
  return {
    sku: `TEST-${process.pid}-${skuCounter}`,
    name: `Test product ${skuCounter}`,
    description: 'A product made by a test',
    category: 'testing',
    priceMinor: 1_000 + skuCounter,
    stock: 10,
    ...overrides,
  };
}

export async function createProductVia(app: FastifyInstance, overrides: Partial<ProductCreateInput> = {}): Promise<Product> {
  const response = await app.inject({ method: 'POST', url: '/v1/products', headers: AUTH, payload: productInput(overrides) });
  if (response.statusCode !== 201) throw new Error(`create failed: ${response.statusCode} ${response.body}`);
  return response.json<Product>();
}

/** The header that shows an order's link token. */
export function orderAuth(token: string): Record<string, string> {
  return { authorization: `Order ${token}` };
}

/** Places an order as a shopper would (no credential); returns it with its link token. */
export async function placeOrderVia(app: FastifyInstance, items: { productId: string; quantity: number }[], headers: Record<string, string> = {}): Promise<OrderPlaced> {
  const response = await app.inject({ method: 'POST', url: '/v1/orders', headers, payload: { items } });
  if (response.statusCode !== 201) throw new Error(`order failed: ${response.statusCode} ${response.body}`);
  return response.json<OrderPlaced>();
}

/** A direct pool on the test database, for arranging and inspecting state. */
export function testPool(databaseUrl: string) {
  return createPool({ connectionString: databaseUrl, max: 4, statementTimeoutMs: 10_000, applicationName: 'livecart-test' });
}

/**
 * Options of a relay a test runs itself, on this context's database: polls, retries and the lease short
 * enough for tests, silent; `overrides` for what a test varies.
 */
export function testRelayOptions(ctx: TestContext, target: { redis: Redis; prefix: string; applicationName: string }, overrides: Partial<OutboxRelayOptions> = {}): OutboxRelayOptions {
  return {
    connection: connectionConfig({ connectionString: ctx.databaseUrl, statementTimeoutMs: 10_000, applicationName: target.applicationName }),
    redis: target.redis,
    prefix: target.prefix,
    streamMaxLen: 100_000,
    pollMs: 50,
    lockRetryMs: 200,
    leaseMs: 1_500,
    batchSize: 50,
    retentionHours: 24,
    log: pino({ level: 'silent' }),
    ...overrides,
  };
}
