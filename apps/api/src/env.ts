import { baseEnv, databaseEnv, EnvError, envBoolean, envInt, envList, httpEnv, loadEnv, redisEnv, type EnvSource } from '@livecart/config/env';
import { RealtimeTokenKeysSchema, resolveRealtimeTokenKeys, type RealtimeTokenKeyRing } from '@livecart/schemas/realtime-token-signing';
import { z } from 'zod';
import { parseTrustProxy } from './http/proxy-trust.js';
import { parseLinkKeys, type LinkKey } from './auth/order-link.js';
import { parseSealingKeys, type SealingKey } from './webhooks/secret-sealer.js';
import { parseNetworks } from './webhooks/url-guard.js';

/** Signs session cookies when NODE_ENV=development and SESSION_SECRET is unset; refused everywhere else. */
export const DEV_SESSION_SECRET = 'dev-session-secret-not-for-production-0123456789';
/** Sign order links and payment webhooks under NODE_ENV=development or test when unset; refused everywhere else. */
export const DEV_ORDER_LINK_KEYS = 'dev:dev-order-link-key-not-for-production-0123456789';
export const DEV_PAYMENT_WEBHOOK_SECRET = 'dev-payment-webhook-secret-not-for-production-0123456789';
/** Seals webhook endpoints' secrets under NODE_ENV=development or test when unset; refused everywhere else. */
export const DEV_WEBHOOK_SECRET_KEYS = 'dev:ZGV2LXdlYmhvb2sta2V5LW5vdC1mb3ItcHJvZC11c2U=';

const apiEnv = {
  ...baseEnv,
  ...httpEnv(4000),
  ...databaseEnv,
  ...redisEnv,
  /** Retired: refused when set, so a deployment that still relies on it learns why its writes stop. */
  ADMIN_TOKEN: z.string().optional(),
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /**
   * Signs realtime tokens (`POST /v1/realtime/tokens`): `kid:base64secret[,kid:base64secret…]`, each 32+
   * random bytes; the first key signs. Realtime verifies with the same ring. Unset: the public development
   * ring, under NODE_ENV development or test only.
   */
  REALTIME_TOKEN_KEYS: RealtimeTokenKeysSchema.optional(),
  /** A session unused this long ends (seconds). */
  SESSION_IDLE_TIMEOUT_S: envInt({ min: 5, max: 30 * 86_400, default: 8 * 3_600 }),
  /** A session ends this long after login, however much it is used (seconds). */
  SESSION_ABSOLUTE_TIMEOUT_S: envInt({ min: 5, max: 365 * 86_400, default: 7 * 86_400 }),
  /**
   * How long this instance trusts a session or key it has checked without asking Postgres again. Revocations
   * reach every instance at once through Redis; this only bounds the damage of a lost revocation message.
   */
  AUTH_CACHE_TTL_MS: envInt({ min: 0, max: 600_000, default: 30_000 }),
  /** Wrong passwords for one email from one client address before cool-downs start (the strict tier). */
  LOGIN_MAX_FAILURES_PER_ACCOUNT: envInt({ min: 1, max: 10_000, default: 5 }),
  /** Wrong passwords for one email from every address together; unset: 4 × LOGIN_MAX_FAILURES_PER_ACCOUNT. */
  LOGIN_MAX_FAILURES_PER_ACCOUNT_ALL_ADDRESSES: envInt({ min: 1, max: 100_000 }).optional(),
  /** Failed logins from one client address (any email) before cool-downs start. */
  LOGIN_MAX_FAILURES_PER_IP: envInt({ min: 1, max: 100_000, default: 50 }),
  /** The first cool-down once a tier is at its limit; each further failure doubles it. */
  LOGIN_COOLDOWN_MS: envInt({ min: 1, max: 86_400_000, default: 1_000 }),
  LOGIN_COOLDOWN_MAX_MS: envInt({ min: 1, max: 86_400_000, default: 15 * 60_000 }),
  /** A tier forgets one failure per this many ms: sustained, one wrong guess per this interval gets through. */
  LOGIN_FAILURE_DECAY_MS: envInt({ min: 1, max: 86_400_000, default: 60_000 }),
  /** A shopper session (guest or customer) unused this long ends (seconds). */
  SHOPPER_SESSION_IDLE_TIMEOUT_S: envInt({ min: 5, max: 365 * 86_400, default: 7 * 86_400 }),
  /** A shopper session ends this long after it started, however much it is used (seconds). */
  SHOPPER_SESSION_ABSOLUTE_TIMEOUT_S: envInt({ min: 5, max: 365 * 86_400, default: 30 * 86_400 }),
  /** A cart unused this long expires: the sweeper removes it and gives back what it holds (ms). */
  CART_TTL_MS: envInt({ min: 1_000, max: 90 * 86_400_000, default: 7 * 86_400_000 }),
  /** How long a cart line holds its units after the cart's last activity (ms); see README, Carts and stock holds. */
  RESERVATION_TTL_MS: envInt({ min: 500, max: 86_400_000, default: 10 * 60_000 }),
  /** How often each instance sweeps lapsed holds and expired carts (ms); any number of instances may. */
  CART_SWEEP_INTERVAL_MS: envInt({ min: 100, max: 3_600_000, default: 5_000 }),
  CORS_ORIGINS: envList(['http://localhost:3000', 'http://127.0.0.1:3000']),
  /**
   * Whether /docs (Swagger UI, the OpenAPI document at /docs/json) is served. Unset: only with
   * NODE_ENV=development; a deployment shows its API surface only where someone chose to.
   */
  API_DOCS_ENABLED: envBoolean(false),
  /**
   * The base URL clients reach this API at, as the OpenAPI document's `servers` names it (e.g.
   * https://api.shop.example). Unset: http://<HOST>:<PORT> (localhost for a wildcard HOST).
   */
  API_PUBLIC_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  /**
   * The proxies whose X-Forwarded-For/-Proto are believed: a hop count, or their IPs/CIDRs. Off by
   * default; "trust everyone" is refused (a client would choose its own address). See http/proxy-trust.ts.
   */
  TRUST_PROXY: z
    .string()
    .optional()
    .transform((value, ctx) => {
      try {
        return parseTrustProxy(value);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
        return z.NEVER;
      }
    }),
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
  OUTBOX_LEASE_MS: envInt({ min: 300, max: 600_000, default: 3_000 }),
  OUTBOX_BATCH_SIZE: envInt({ min: 1, max: 10_000, default: 500 }),
  OUTBOX_STREAM_MAXLEN: envInt({ min: 100, max: 100_000_000, default: 100_000 }),
  /** Development only (src/dev.ts): move prices and stock every second and place occasional orders. */
  DEMO_TRAFFIC: envBoolean(true),
  DEMO_INTERVAL_MS: envInt({ min: 100, max: 60_000, default: 1_000 }),
  OUTBOX_RETENTION_HOURS: envInt({ min: 1, max: 24 * 365, default: 72 }),
  /** Orders placed per client address per RATE_LIMIT_WINDOW_MS (creation, payment, cancellation each count). */
  RATE_LIMIT_ORDER_MAX: envInt({ min: 1, max: 1_000_000_000, default: 30 }),
  /** Order writes per shopper session per RATE_LIMIT_WINDOW_MS (checkout and POST /v1/orders, payment, cancellation). */
  RATE_LIMIT_SHOPPER_ORDER_MAX: envInt({ min: 1, max: 1_000_000_000, default: 10 }),
  /** How long a new order waits for its payment before it expires and its stock goes back. */
  ORDER_PAYMENT_TTL_MS: envInt({ min: 1_000, max: 7 * 86_400_000, default: 15 * 60_000 }),
  /** How often each instance looks for unpaid orders past their deadline (any number of instances may). */
  ORDER_EXPIRY_SWEEP_MS: envInt({ min: 50, max: 3_600_000, default: 5_000 }),
  /** Orders expired per sweep at most; the next sweep takes the rest. */
  ORDER_EXPIRY_BATCH: envInt({ min: 1, max: 10_000, default: 100 }),
  /**
   * The keys that sign order links (`<key id>:<secret>`, comma-separated): the first signs, every one is
   * accepted, so a new key goes first and the old one stays until its links have expired.
   */
  ORDER_LINK_KEYS: z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value === '') return undefined;
      try {
        return parseLinkKeys(value);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
        return z.NEVER;
      }
    }),
  /** How long an order link (its token) lets its holder read, pay and cancel the order. */
  ORDER_LINK_TTL_S: envInt({ min: 60, max: 365 * 86_400, default: 30 * 86_400 }),
  /** Signs and verifies the payment provider's webhooks (HMAC-SHA256, Standard Webhooks). */
  PAYMENT_WEBHOOK_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /**
   * Seals webhook endpoints' signing secrets in the database (`<key id>:<32 random bytes, base64>`,
   * comma-separated): the first seals, every one opens; a new key goes first and the old one stays until
   * every api has started once with the new ring (each re-seals the rows under the first key when it starts).
   */
  WEBHOOK_SECRET_KEYS: z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value === '') return undefined;
      try {
        return parseSealingKeys(value);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
        return z.NEVER;
      }
    }),
  /** A webhook signed longer ago than this (or this far in the future) is refused as a replay. */
  PAYMENT_WEBHOOK_TOLERANCE_S: envInt({ min: 1, max: 3_600, default: 300 }),
  /** Where the test provider delivers its webhooks; unset: this api's own address. */
  PAYMENT_WEBHOOK_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  /** How long after payment the test provider confirms the delayed-confirmation card (4000 0000 0000 3220). */
  PAYMENT_TEST_DELAY_MS: envInt({ min: 0, max: 600_000, default: 3_000 }),
  /**
   * How overdue a test payment's confirmation must be before the test provider (on any instance) sends it
   * again: the instance that scheduled it may have stopped first. Checked every 2 s.
   */
  PAYMENT_TEST_RECOVERY_MS: envInt({ min: 1_000, max: 3_600_000, default: 5_000 }),
  /** Whether this instance competes for the webhook delivery worker's lease (any instance may hold it). */
  WEBHOOK_WORKER_ENABLED: envBoolean(true),
  /** Whether endpoint URLs may be plain http (https only when off: deliveries carry order and cart data). */
  WEBHOOK_ALLOW_HTTP: envBoolean(false),
  /**
   * CIDRs whose addresses endpoints may resolve to although they are loopback, private, link-local or
   * otherwise non-public (`127.0.0.0/8,::1/128` for a receiver on the same machine); none by default.
   */
  WEBHOOK_ALLOWED_NETWORKS: envList([]).transform((networks, ctx) => {
    try {
      parseNetworks(networks);
      return networks;
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: `expected CIDRs such as 10.0.0.0/8 or ::1/128: ${(error as Error).message}` });
      return z.NEVER;
    }
  }),
  /**
   * The longest the delivery worker waits between rounds (retries that came due, and events whose
   * publication it did not hear of); a publication starts a round sooner (WEBHOOK_ROUND_MIN_MS).
   */
  WEBHOOK_POLL_MS: envInt({ min: 10, max: 60_000, default: 250 }),
  /**
   * The shortest time between the starts of two delivery rounds: while events are published, rounds come
   * this far apart and each endpoint's batch carries what was published meanwhile.
   */
  WEBHOOK_ROUND_MIN_MS: envInt({ min: 0, max: 60_000, default: 50 }),
  /** How often a standby tries to take the worker lease. */
  WEBHOOK_LOCK_RETRY_MS: envInt({ min: 10, max: 60_000, default: 1_000 }),
  /** How long the worker lease lasts unless renewed (every third of it): a takeover comes within about this. */
  WEBHOOK_LEASE_MS: envInt({ min: 300, max: 600_000, default: 5_000 }),
  /** Endpoints delivered to at the same time, at most (each gets one message at a time, in seq order). */
  WEBHOOK_CONCURRENCY: envInt({ min: 1, max: 256, default: 8 }),
  /** One delivery's whole exchange (connect, send, answer) must end within this, or it failed. */
  WEBHOOK_TIMEOUT_MS: envInt({ min: 100, max: 120_000, default: 10_000 }),
  /** The wait after a message's first failure; it doubles with each further one (with jitter), up to the max. */
  WEBHOOK_RETRY_BASE_MS: envInt({ min: 10, max: 3_600_000, default: 5_000 }),
  WEBHOOK_RETRY_MAX_MS: envInt({ min: 10, max: 86_400_000, default: 3_600_000 }),
  /** An endpoint whose every attempt failed for this long is disabled (with a webhook_endpoint.disabled event). */
  WEBHOOK_DISABLE_AFTER_MS: envInt({ min: 1_000, max: 30 * 86_400_000, default: 24 * 3_600_000 }),
  /** How long each delivery attempt stays in an endpoint's delivery log. */
  WEBHOOK_DELIVERY_LOG_RETENTION_HOURS: envInt({ min: 1, max: 24 * 365, default: 72 }),
};

export type ApiEnv = Omit<
  z.output<z.ZodObject<typeof apiEnv>>,
  'SESSION_SECRET' | 'ADMIN_TOKEN' | 'LOGIN_MAX_FAILURES_PER_ACCOUNT_ALL_ADDRESSES' | 'REALTIME_TOKEN_KEYS' | 'ORDER_LINK_KEYS' | 'PAYMENT_WEBHOOK_SECRET' | 'WEBHOOK_SECRET_KEYS' | 'API_PUBLIC_URL'
> & {
  /** API_PUBLIC_URL as said (without a trailing slash), else derived from HOST and PORT. */
  API_PUBLIC_URL: string;
  /** API_DOCS_ENABLED as said, else whether NODE_ENV=development. */
  API_DOCS_ENABLED: boolean;
  SESSION_SECRET: string;
  /** The signing key first. */
  ORDER_LINK_KEYS: readonly LinkKey[];
  PAYMENT_WEBHOOK_SECRET: string;
  /** The sealing key first. */
  WEBHOOK_SECRET_KEYS: readonly SealingKey[];
  LOGIN_MAX_FAILURES_PER_ACCOUNT_ALL_ADDRESSES: number;
  REALTIME_TOKEN_KEYS: RealtimeTokenKeyRing;
};

/**
 * The one place that reads the process environment. The development defaults apply only where said
 * explicitly (the session secret under NODE_ENV=development; the realtime token keys, order-link keys,
 * payment webhook secret and webhook sealing keys under development or test) and are refused anywhere else, since they are published in the source: a deployment never
 * starts with a guessable credential.
 */
export function loadApiEnv(source: EnvSource = process.env): ApiEnv {
  const env = loadEnv(apiEnv, source);
  // Unset NODE_ENV means production (@livecart/config): development is always said explicitly.
  const development = env.NODE_ENV === 'development';
  const problems: { variable: string; message: string; received: string | undefined }[] = [];
  if (env.ADMIN_TOKEN !== undefined) {
    problems.push({
      variable: 'ADMIN_TOKEN',
      message: 'is retired: every write needs a staff session or an API key. Create a key with `pnpm --filter @livecart/api keys:create --name <name> --scope catalog:write` (or POST /v1/api-keys as an admin), send it as Authorization: Bearer <key>, and unset ADMIN_TOKEN',
      received: '<redacted>',
    });
  }
  if (env.SESSION_SECRET === DEV_SESSION_SECRET && !development) {
    problems.push({ variable: 'SESSION_SECRET', message: `must not be the public development secret when NODE_ENV=${env.NODE_ENV}`, received: '<redacted>' });
  }
  if (env.SESSION_SECRET === undefined && !development) {
    problems.push({ variable: 'SESSION_SECRET', message: `is required unless NODE_ENV=development is set (signs staff session cookies; 32+ random characters)`, received: undefined });
  }
  const tokenKeys = resolveRealtimeTokenKeys(env.REALTIME_TOKEN_KEYS, env.NODE_ENV);
  if ('problem' in tokenKeys) {
    problems.push({ variable: 'REALTIME_TOKEN_KEYS', message: tokenKeys.problem, received: env.REALTIME_TOKEN_KEYS === undefined ? undefined : '<redacted>' });
  }
  // Tests may lean on the published defaults too; a deployment (NODE_ENV production or unset) never does.
  const devOrTest = development || env.NODE_ENV === 'test';
  const devLinkSecret = parseLinkKeys(DEV_ORDER_LINK_KEYS)[0]?.secret;
  if (env.ORDER_LINK_KEYS === undefined && !devOrTest) {
    problems.push({ variable: 'ORDER_LINK_KEYS', message: 'is required unless NODE_ENV is development or test (signs order links; <key id>:<32+ random characters>)', received: undefined });
  }
  if (env.ORDER_LINK_KEYS?.some((key) => key.secret === devLinkSecret) === true && !devOrTest) {
    problems.push({ variable: 'ORDER_LINK_KEYS', message: `must not hold the public development key when NODE_ENV=${env.NODE_ENV}`, received: '<redacted>' });
  }
  if (env.PAYMENT_WEBHOOK_SECRET === undefined && !devOrTest) {
    problems.push({ variable: 'PAYMENT_WEBHOOK_SECRET', message: 'is required unless NODE_ENV is development or test (signs payment webhooks; 32+ random characters)', received: undefined });
  }
  if (env.PAYMENT_WEBHOOK_SECRET === DEV_PAYMENT_WEBHOOK_SECRET && !devOrTest) {
    problems.push({ variable: 'PAYMENT_WEBHOOK_SECRET', message: `must not be the public development secret when NODE_ENV=${env.NODE_ENV}`, received: '<redacted>' });
  }
  if (env.WEBHOOK_SECRET_KEYS === undefined && !devOrTest) {
    problems.push({ variable: 'WEBHOOK_SECRET_KEYS', message: 'is required unless NODE_ENV is development or test (seals webhook secrets; <key id>:<32 random bytes, base64>)', received: undefined });
  }
  const devSealingKey = parseSealingKeys(DEV_WEBHOOK_SECRET_KEYS)[0]?.key;
  if (env.WEBHOOK_SECRET_KEYS?.some((key) => devSealingKey !== undefined && key.key.equals(devSealingKey)) === true && !devOrTest) {
    problems.push({ variable: 'WEBHOOK_SECRET_KEYS', message: `must not hold the public development key when NODE_ENV=${env.NODE_ENV}`, received: '<redacted>' });
  }
  if (env.SESSION_IDLE_TIMEOUT_S > env.SESSION_ABSOLUTE_TIMEOUT_S) {
    problems.push({ variable: 'SESSION_IDLE_TIMEOUT_S', message: 'must not exceed SESSION_ABSOLUTE_TIMEOUT_S', received: String(env.SESSION_IDLE_TIMEOUT_S) });
  }
  if (env.SHOPPER_SESSION_IDLE_TIMEOUT_S > env.SHOPPER_SESSION_ABSOLUTE_TIMEOUT_S) {
    problems.push({ variable: 'SHOPPER_SESSION_IDLE_TIMEOUT_S', message: 'must not exceed SHOPPER_SESSION_ABSOLUTE_TIMEOUT_S', received: String(env.SHOPPER_SESSION_IDLE_TIMEOUT_S) });
  }
  if (env.WEBHOOK_RETRY_BASE_MS > env.WEBHOOK_RETRY_MAX_MS) {
    problems.push({ variable: 'WEBHOOK_RETRY_BASE_MS', message: 'must not exceed WEBHOOK_RETRY_MAX_MS', received: String(env.WEBHOOK_RETRY_BASE_MS) });
  }
  if (env.LOGIN_COOLDOWN_MS > env.LOGIN_COOLDOWN_MAX_MS) {
    problems.push({ variable: 'LOGIN_COOLDOWN_MS', message: 'must not exceed LOGIN_COOLDOWN_MAX_MS', received: String(env.LOGIN_COOLDOWN_MS) });
  }
  if (problems.length > 0 || 'problem' in tokenKeys) throw new EnvError(problems);
  const { ADMIN_TOKEN: _retired, ...rest } = env;
  return {
    ...rest,
    API_PUBLIC_URL: env.API_PUBLIC_URL?.replace(/\/+$/, '') ?? `http://${['0.0.0.0', '::', ''].includes(env.HOST) ? 'localhost' : env.HOST.includes(':') ? `[${env.HOST}]` : env.HOST}:${env.PORT}`,
    API_DOCS_ENABLED: source.API_DOCS_ENABLED === undefined || source.API_DOCS_ENABLED === '' ? development : env.API_DOCS_ENABLED,
    SESSION_SECRET: env.SESSION_SECRET ?? DEV_SESSION_SECRET,
    REALTIME_TOKEN_KEYS: tokenKeys.ring,
    ORDER_LINK_KEYS: env.ORDER_LINK_KEYS ?? parseLinkKeys(DEV_ORDER_LINK_KEYS),
    PAYMENT_WEBHOOK_SECRET: env.PAYMENT_WEBHOOK_SECRET ?? DEV_PAYMENT_WEBHOOK_SECRET,
    WEBHOOK_SECRET_KEYS: env.WEBHOOK_SECRET_KEYS ?? parseSealingKeys(DEV_WEBHOOK_SECRET_KEYS),
    LOGIN_MAX_FAILURES_PER_ACCOUNT_ALL_ADDRESSES: env.LOGIN_MAX_FAILURES_PER_ACCOUNT_ALL_ADDRESSES ?? Math.min(100_000, 4 * env.LOGIN_MAX_FAILURES_PER_ACCOUNT),
  };
}

const toolEnv = { ...baseEnv, DATABASE_URL: databaseEnv.DATABASE_URL };

/** What the migrate and seed commands need: they run as jobs that hold no admin credential. */
export function loadToolEnv(source: EnvSource = process.env): z.output<z.ZodObject<typeof toolEnv>> {
  return loadEnv(toolEnv, source);
}
