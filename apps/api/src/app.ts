import compress from '@fastify/compress';
import { createLogger, type Logger } from '@livecart/config/logger';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { ApiEnv } from './env.js';
import { createClientErrorAnswer, createFrameworkErrorReply } from './http/client-errors.js';
import { setHeaderList } from './http/header-list.js';
import { lazyChildLoggerFactory } from './http/lazy-child-logger.js';
import { createProxyTrust } from './http/proxy-trust.js';
import { parseQueryString } from './http/query-string.js';
import { createResponseHeaders } from './http/response-headers.js';
import { createSchemaCompilers, defaultSerializerCompiler } from './http/schema-compilers.js';
import { createSecurityHeaders, DOCS_HELMET_OPTIONS } from './http/security-headers.js';
import { createHttpServerFactory } from './http/server-factory.js';
import { ServerLane } from './http/server-lane.js';
import authPlugin from './plugins/auth.js';
import cachePlugin from './plugins/cache.js';
import cartSweeperPlugin from './plugins/cart-sweeper.js';
import dbPlugin from './plugins/db.js';
import errorsPlugin from './plugins/errors.js';
import eventConsumerPlugin from './plugins/event-consumer.js';
import metricsPlugin from './plugins/metrics.js';
import orderExpiryPlugin from './plugins/order-expiry.js';
import ordersPlugin from './plugins/orders.js';
import outboxRelayPlugin from './plugins/outbox-relay.js';
import paymentsPlugin from './plugins/payments.js';
import rateLimitPlugin from './plugins/rate-limit.js';
import redisPlugin from './plugins/redis.js';
import responseHeadersPlugin, { preflightRoute } from './plugins/response-headers.js';
import shoppersPlugin from './plugins/shoppers.js';
import webhooksPlugin from './plugins/webhooks.js';
import { digestOf } from './auth/credential-secret.js';
import swaggerPlugin, { docsUi } from './plugins/swagger.js';
import { healthRoutes } from './routes/health.js';
import { v1Routes } from './routes/v1/index.js';
import { getProductRoute } from './routes/v1/products/get.js';
import { productReadLane } from './routes/v1/products/get-read-lane.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Compiles every route schema not compiled yet (they compile on first use); throws the first failure. */
    compileSchemas(): void;
  }
}

const SCHEMA_WARM_UP_DELAY_MS = 1_000;

export interface BuildAppOptions {
  env: ApiEnv;
  /** Defaults to the @livecart/config logger at env.LOG_LEVEL. */
  logger?: Logger;
  /** How long startup waits for the event stream before serving with L1 off (default 2 s). */
  eventStartupWaitMs?: number;
  /** Whether warm product reads are answered before Fastify (get-read-lane.ts); default true. */
  readLane?: boolean;
  /** The clock of sessions and credential caches (tests move it); default Date.now. */
  now?: () => number;
}

export async function buildApp(options: BuildAppOptions): Promise<FastifyInstance> {
  const { env } = options;
  const logger = options.logger ?? createLogger({ name: 'livecart-api', level: env.LOG_LEVEL, nodeEnv: env.NODE_ENV });
  const compilers = createSchemaCompilers(defaultSerializerCompiler());
  // One trust function for Fastify's request.ip and for every reading of the client address before it.
  const trustProxy = createProxyTrust(env.TRUST_PROXY);
  const headers = createResponseHeaders({ corsOrigins: env.CORS_ORIGINS, trustProxy });
  const lane = new ServerLane();
  const app: FastifyInstance = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    // No line per request: on the hot read, a log line costs more than the rest of the request
    // (bench/README.md). Errors and slow requests are logged.
    logController: new LogController({ disableRequestLogging: true }),
    childLoggerFactory: lazyChildLoggerFactory,
    requestIdHeader: 'x-request-id',
    bodyLimit: env.BODY_LIMIT_BYTES,
    // The timeouts are applied by the server factory, which Fastify then leaves alone.
    serverFactory: createHttpServerFactory({
      timeouts: {
        requestTimeoutMs: env.REQUEST_TIMEOUT_MS,
        keepAliveTimeoutMs: env.KEEP_ALIVE_TIMEOUT_MS,
        connectionTimeoutMs: env.CONNECTION_TIMEOUT_MS,
      },
      headers,
      lane,
    }),
    frameworkErrors: createFrameworkErrorReply(headers),
    clientErrorHandler: createClientErrorAnswer(headers),
    trustProxy,
    return503OnClosing: true,
    // Collections are registered without a trailing slash (that is what OpenAPI shows); both spellings work.
    // `?q=` is no q: an empty optional parameter means what its absence means (http/query-string.ts).
    routerOptions: { ignoreTrailingSlash: true, querystringParser: parseQueryString },
    schemaController: { compilersFactory: compilers.factory },
  });
  app.decorate('compileSchemas', compilers.compileAll);
  // Schemas compile on first use (see schema-compilers.ts). A listening server compiles the rest in the
  // background a moment later, so that its first requests (readiness probes) do not queue behind them.
  app.addHook('onListen', (done) => {
    const warmUp = () => compilers.warmUp((error) => app.log.error({ err: error }, 'a route schema does not compile'));
    setTimeout(warmUp, SCHEMA_WARM_UP_DELAY_MS).unref();
    done();
  });
  // Bodies are JSON only; anything else is a 415, not a string that fails validation later.
  app.removeContentTypeParser('text/plain');
  await app.register(responseHeadersPlugin, { headers });
  await app.register(errorsPlugin);
  await app.register(preflightRoute, { headers });
  await app.register(swaggerPlugin, { publicUrl: env.API_PUBLIC_URL });
  // Adds its hooks per route (bodies over 1 KB only), so routes that opt out pay nothing.
  await app.register(compress, { threshold: 1024, encodings: ['br', 'gzip'] });

  await app.register(dbPlugin, {
    connectionString: env.DATABASE_URL,
    max: env.DATABASE_POOL_MAX,
    waitMs: env.DATABASE_POOL_WAIT_MS,
    statementTimeoutMs: env.DATABASE_STATEMENT_TIMEOUT_MS,
  });
  await app.register(redisPlugin, { url: env.REDIS_URL, prefix: env.REDIS_PREFIX, commandTimeoutMs: env.REDIS_COMMAND_TIMEOUT_MS });
  await app.register(cachePlugin, {
    prefix: env.REDIS_PREFIX,
    l1MaxEntries: env.CACHE_L1_MAX_ENTRIES,
    l1TtlMs: env.CACHE_L1_TTL_MS,
    l2TtlMs: env.CACHE_L2_TTL_MS,
  });
  await app.register(eventConsumerPlugin, { prefix: env.REDIS_PREFIX, startupWaitMs: options.eventStartupWaitMs ?? 2_000 });
  await app.register(outboxRelayPlugin, {
    enabled: env.OUTBOX_RELAY_ENABLED,
    databaseUrl: env.DATABASE_URL,
    prefix: env.REDIS_PREFIX,
    streamMaxLen: env.OUTBOX_STREAM_MAXLEN,
    pollMs: env.OUTBOX_POLL_MS,
    lockRetryMs: env.OUTBOX_LOCK_RETRY_MS,
    leaseMs: env.OUTBOX_LEASE_MS,
    batchSize: env.OUTBOX_BATCH_SIZE,
    retentionHours: env.OUTBOX_RETENTION_HOURS,
  });
  const loginLimits = {
    maxPerAccountAddress: env.LOGIN_MAX_FAILURES_PER_ACCOUNT,
    maxPerAccount: env.LOGIN_MAX_FAILURES_PER_ACCOUNT_ALL_ADDRESSES,
    maxPerIp: env.LOGIN_MAX_FAILURES_PER_IP,
    cooldownMs: env.LOGIN_COOLDOWN_MS,
    cooldownMaxMs: env.LOGIN_COOLDOWN_MAX_MS,
    decayMs: env.LOGIN_FAILURE_DECAY_MS,
  };
  await app.register(authPlugin, {
    prefix: env.REDIS_PREFIX,
    sessionSecret: env.SESSION_SECRET,
    idleTimeoutS: env.SESSION_IDLE_TIMEOUT_S,
    absoluteTimeoutS: env.SESSION_ABSOLUTE_TIMEOUT_S,
    cacheTtlMs: env.AUTH_CACHE_TTL_MS,
    login: loginLimits,
    ...(options.now === undefined ? {} : { now: options.now }),
  });
  const cartTimes = { cartTtlMs: env.CART_TTL_MS, holdTtlMs: env.RESERVATION_TTL_MS };
  await app.register(shoppersPlugin, {
    prefix: env.REDIS_PREFIX,
    sessionSecret: env.SESSION_SECRET,
    idleTimeoutS: env.SHOPPER_SESSION_IDLE_TIMEOUT_S,
    absoluteTimeoutS: env.SHOPPER_SESSION_ABSOLUTE_TIMEOUT_S,
    cacheTtlMs: env.AUTH_CACHE_TTL_MS,
    // The staff limits: a customer account is worth guarding as well as a staff one.
    login: loginLimits,
    times: cartTimes,
    ...(options.now === undefined ? {} : { now: options.now }),
  });
  await app.register(cartSweeperPlugin, { intervalMs: env.CART_SWEEP_INTERVAL_MS, shopperIdleTimeoutS: env.SHOPPER_SESSION_IDLE_TIMEOUT_S });
  await app.register(rateLimitPlugin, {
    enabled: env.RATE_LIMIT_ENABLED,
    prefix: env.REDIS_PREFIX,
    windowMs: env.RATE_LIMIT_WINDOW_MS,
    readMax: env.RATE_LIMIT_READ_MAX,
    writeMax: env.RATE_LIMIT_WRITE_MAX,
    orderMax: env.RATE_LIMIT_ORDER_MAX,
    shopperOrderMax: env.RATE_LIMIT_SHOPPER_ORDER_MAX,
    shopperKey: (request) => {
      const secret = app.shoppers.cookie.read(request.headers.cookie);
      return secret === undefined ? undefined : digestOf(secret).toString('base64url');
    },
    syncMs: env.RATE_LIMIT_SYNC_MS,
    allowList: env.RATE_LIMIT_ALLOW_LIST,
    trustProxy,
  });
  await app.register(webhooksPlugin, {
    enabled: env.WEBHOOK_WORKER_ENABLED,
    databaseUrl: env.DATABASE_URL,
    secretKeys: env.WEBHOOK_SECRET_KEYS,
    allowHttp: env.WEBHOOK_ALLOW_HTTP,
    allowedNetworks: env.WEBHOOK_ALLOWED_NETWORKS,
    pollMs: env.WEBHOOK_POLL_MS,
    roundMinMs: env.WEBHOOK_ROUND_MIN_MS,
    lockRetryMs: env.WEBHOOK_LOCK_RETRY_MS,
    leaseMs: env.WEBHOOK_LEASE_MS,
    concurrency: env.WEBHOOK_CONCURRENCY,
    timeoutMs: env.WEBHOOK_TIMEOUT_MS,
    retryBaseMs: env.WEBHOOK_RETRY_BASE_MS,
    retryMaxMs: env.WEBHOOK_RETRY_MAX_MS,
    disableAfterMs: env.WEBHOOK_DISABLE_AFTER_MS,
    logRetentionHours: env.WEBHOOK_DELIVERY_LOG_RETENTION_HOURS,
  });
  await app.register(metricsPlugin, { slowRequestMs: env.SLOW_REQUEST_MS });
  await app.register(ordersPlugin, { linkKeys: env.ORDER_LINK_KEYS, linkTtlS: env.ORDER_LINK_TTL_S, paymentTtlMs: env.ORDER_PAYMENT_TTL_MS });
  await app.register(paymentsPlugin, {
    webhookSecret: env.PAYMENT_WEBHOOK_SECRET,
    webhookToleranceS: env.PAYMENT_WEBHOOK_TOLERANCE_S,
    webhookUrl: env.PAYMENT_WEBHOOK_URL,
    testDelayMs: env.PAYMENT_TEST_DELAY_MS,
    testRecoveryMs: env.PAYMENT_TEST_RECOVERY_MS,
  });
  await app.register(orderExpiryPlugin, { sweepMs: env.ORDER_EXPIRY_SWEEP_MS, batch: env.ORDER_EXPIRY_BATCH });

  // Registered apart from the other /v1/products routes, so that the product-read lane can name its prefix.
  await app.register(getProductRoute, { prefix: '/v1/products' });
  if (options.readLane !== false) await app.register(productReadLane, { lane, prefix: '/v1/products', headers, trustProxy });
  // The OpenAPI document is built either way (from the routes: the app's own contract); only serving it is optional.
  if (env.API_DOCS_ENABLED) {
    await app.register(async (docs) => {
      // An HTML page with scripts and styles: helmet's defaults over the API's lock-down policy.
      const docsSecurity = createSecurityHeaders(DOCS_HELMET_OPTIONS);
      docs.addHook('onRequest', (request, reply, done) => {
        setHeaderList(reply, docsSecurity(headers.isHttps(request.raw)));
        done();
      });
      await docs.register(docsUi);
    });
  }
  await app.register(healthRoutes);
  await app.register(v1Routes, { prefix: '/v1', realtimeTokenKeys: env.REALTIME_TOKEN_KEYS });
  return app;
}
