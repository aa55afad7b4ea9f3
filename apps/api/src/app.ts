import compress from '@fastify/compress';
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import { createLogger, type Logger } from '@livecart/config/logger';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { ApiEnv } from './env.js';
import { corsPluginOptions } from './http/cors-options.js';
import { FastLane } from './http/fast-lane.js';
import { lazyChildLoggerFactory } from './http/lazy-child-logger.js';
import { answerClientError, createHttpServerFactory, replyToFrameworkError } from './http/protocol-errors.js';
import { HELMET_OPTIONS, HSTS_HEADER } from './http/security-headers.js';
import { createSchemaCompilers, defaultSerializerCompiler } from './http/schema-compilers.js';
import authPlugin from './plugins/auth.js';
import cachePlugin from './plugins/cache.js';
import dbPlugin from './plugins/db.js';
import errorsPlugin from './plugins/errors.js';
import eventConsumerPlugin from './plugins/event-consumer.js';
import metricsPlugin from './plugins/metrics.js';
import outboxRelayPlugin from './plugins/outbox-relay.js';
import rateLimitPlugin from './plugins/rate-limit.js';
import redisPlugin from './plugins/redis.js';
import swaggerPlugin, { docsUi } from './plugins/swagger.js';
import { healthRoutes } from './routes/health.js';
import { v1Routes } from './routes/v1/index.js';
import { getProductRoute } from './routes/v1/products/get.js';

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
}

export async function buildApp(options: BuildAppOptions): Promise<FastifyInstance> {
  const { env } = options;
  const logger = options.logger ?? createLogger({ name: 'livecart-api', level: env.LOG_LEVEL, nodeEnv: env.NODE_ENV });
  const compilers = createSchemaCompilers(defaultSerializerCompiler());
  const lane = new FastLane();
  const app: FastifyInstance = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    // No line per request: logging costs ≈40 % of throughput here. Errors and slow requests are logged.
    logController: new LogController({ disableRequestLogging: true }),
    childLoggerFactory: lazyChildLoggerFactory,
    requestIdHeader: 'x-request-id',
    bodyLimit: env.BODY_LIMIT_BYTES,
    // The timeouts are applied by the server factory, which Fastify then leaves alone.
    serverFactory: createHttpServerFactory({
      requestTimeoutMs: env.REQUEST_TIMEOUT_MS,
      keepAliveTimeoutMs: env.KEEP_ALIVE_TIMEOUT_MS,
      connectionTimeoutMs: env.CONNECTION_TIMEOUT_MS,
    }, lane),
    frameworkErrors: replyToFrameworkError,
    clientErrorHandler: answerClientError,
    trustProxy: env.TRUST_PROXY,
    return503OnClosing: true,
    // Collections are registered without a trailing slash (that is what OpenAPI shows); both spellings work.
    routerOptions: { ignoreTrailingSlash: true },
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
  // HSTS on every answer that went out over HTTPS (directly, or through a trusted TLS-terminating proxy),
  // on no other (RFC 6797 §7.2). First of all hooks, so that early refusals (429, 401) carry it too.
  app.addHook('onRequest', (request, reply, done) => {
    if (request.protocol === 'https') reply.header(HSTS_HEADER[0], HSTS_HEADER[1]);
    done();
  });

  await app.register(errorsPlugin);
  await app.register(swaggerPlugin);
  // Adds its hooks per route (bodies over 1 KB only), so routes that opt out pay nothing.
  await app.register(compress, { threshold: 1024, encodings: ['br', 'gzip'] });

  await app.register(dbPlugin, {
    connectionString: env.DATABASE_URL,
    max: env.DATABASE_POOL_MAX,
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
    batchSize: env.OUTBOX_BATCH_SIZE,
    retentionHours: env.OUTBOX_RETENTION_HOURS,
  });
  await app.register(authPlugin, { adminToken: env.ADMIN_TOKEN });
  await app.register(rateLimitPlugin, {
    enabled: env.RATE_LIMIT_ENABLED,
    prefix: env.REDIS_PREFIX,
    windowMs: env.RATE_LIMIT_WINDOW_MS,
    readMax: env.RATE_LIMIT_READ_MAX,
    writeMax: env.RATE_LIMIT_WRITE_MAX,
    syncMs: env.RATE_LIMIT_SYNC_MS,
    allowList: env.RATE_LIMIT_ALLOW_LIST,
  });
  await app.register(metricsPlugin, { slowRequestMs: env.SLOW_REQUEST_MS });

  const corsSettings = { origins: env.CORS_ORIGINS };
  // The hot read lives outside the helmet/CORS scope below and applies both itself (see its file); its
  // L1 hits are answered before Fastify, in the lane.
  await app.register(getProductRoute, { prefix: '/v1/products', ...corsSettings, lane, trustProxy: env.TRUST_PROXY });
  await app.register(async (docs) => {
    // An HTML page with scripts and styles: helmet's defaults, not the API's lock-down policy (HSTS
    // comes from the hook above, over HTTPS only).
    await docs.register(helmet, { strictTransportSecurity: false });
    await docs.register(docsUi);
  });
  await app.register(async (standard) => {
    await standard.register(helmet, HELMET_OPTIONS);
    await standard.register(cors, corsPluginOptions(corsSettings));
    await standard.register(healthRoutes);
    await standard.register(v1Routes, { prefix: '/v1' });
  });
  return app;
}
