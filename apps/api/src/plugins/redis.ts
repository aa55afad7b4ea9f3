import fp from 'fastify-plugin';
import { Redis, type RedisOptions } from 'ioredis';

declare module 'fastify' {
  interface FastifyInstance {
    /** Commands of the request path (L2 cache, rate-limit sync, readiness). Fails fast when Redis is down. */
    redis: Redis;
    /** A new connection with the same settings, for long-lived uses (subscriber, relay); closed with the app. */
    createRedis(options?: RedisOptions): Redis;
  }
}

export interface RedisPluginOptions {
  url: string;
  /** Names the connections (CLIENT LIST) after the deployment they serve. */
  prefix: string;
  commandTimeoutMs: number;
}

export default fp<RedisPluginOptions>(
  async (fastify, options) => {
    const clients: Redis[] = [];
    const base: RedisOptions = {
      // A request never waits for Redis to come back: it gets an error at once and falls back to Postgres.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: options.commandTimeoutMs,
      connectTimeout: 2_000,
      retryStrategy: (attempt) => Math.min(100 * attempt, 2_000),
    };
    let lastWarning = 0;
    const createRedis = (overrides: RedisOptions = {}): Redis => {
      const client = new Redis(options.url, { ...base, connectionName: `${options.prefix}:api`, ...overrides });
      client.on('error', (error: Error) => {
        // Reconnects are automatic; one line per 10 s is enough to see an outage.
        if (Date.now() - lastWarning > 10_000) {
          lastWarning = Date.now();
          fastify.log.warn({ err: error }, 'Redis connection error');
        }
      });
      clients.push(client);
      return client;
    };
    fastify.decorate('redis', createRedis());
    fastify.decorate('createRedis', createRedis);
    fastify.addHook('onClose', async () => {
      await Promise.all(clients.map((client) => client.quit().catch(() => client.disconnect())));
    });
  },
  { name: 'redis' },
);
