import type { FastifyInstance, onRequestHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import { RateLimitedError } from '../domain/errors.js';
import { WindowLimiter, type PendingCount } from '../http/window-limiter.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Adds the per-IP limits to a route scope (no-op when rate limiting is off). */
    applyRateLimit(scope: FastifyInstance): void;
    /**
     * Counts a read for code that runs before Fastify's hooks (the fast lane) and says whether it is
     * admitted. A refused read is not counted, so handing it on to the route's hook refuses it once.
     */
    admitRead(ip: string): boolean;
  }
}

export interface RateLimitPluginOptions {
  enabled: boolean;
  prefix: string;
  windowMs: number;
  readMax: number;
  writeMax: number;
  syncMs: number;
  allowList: readonly string[];
}

/*
 * Per-IP limits, decided in process and shared through Redis in the background (see WindowLimiter):
 * a request never waits for Redis, which @fastify/rate-limit's Redis store would make it do on every
 * read. The price is precision: across N instances an IP can exceed its limit by what the other
 * instances admit within one sync interval. Reads (GET/HEAD) and writes count separately.
 */
export default fp<RateLimitPluginOptions>(
  async (fastify, options) => {
    if (!options.enabled) {
      fastify.decorate('applyRateLimit', () => {});
      fastify.decorate('admitRead', () => true);
      return;
    }
    const limiters = {
      read: new WindowLimiter({ max: options.readMax, windowMs: options.windowMs }),
      write: new WindowLimiter({ max: options.writeMax, windowMs: options.windowMs }),
    };
    const allowed = new Set(options.allowList);

    const admitRead = (ip: string) => allowed.has(ip) || limiters.read.hit(ip) === 0;

    const hook: onRequestHookHandler = (request, reply, done) => {
      const ip = request.ip;
      if (allowed.has(ip)) return done();
      const limiter = request.method === 'GET' || request.method === 'HEAD' ? limiters.read : limiters.write;
      const retryAfter = limiter.hit(ip);
      if (retryAfter === 0) return done();
      reply.header('retry-after', String(retryAfter));
      done(new RateLimitedError(retryAfter));
    };

    let syncing = false;
    const sync = async () => {
      if (syncing) return;
      syncing = true;
      const batches = (Object.keys(limiters) as (keyof typeof limiters)[]).map((name) => ({ name, limiter: limiters[name], pending: limiters[name].drain() }));
      const all: { limiter: WindowLimiter; count: PendingCount; key: string }[] = batches.flatMap(({ name, limiter, pending }) =>
        pending.map((count) => ({ limiter, count, key: `${options.prefix}:rl:${name}:${count.window}:${count.key}` })),
      );
      try {
        if (all.length === 0) return;
        const pipeline = fastify.redis.pipeline();
        for (const { key, count } of all) pipeline.incrby(key, count.delta).pexpire(key, options.windowMs * 2);
        const results = (await pipeline.exec()) ?? [];
        all.forEach(({ limiter, count }, i) => {
          const [error, total] = results[i * 2] ?? [new Error('missing reply'), null];
          if (error === null && typeof total === 'number') limiter.absorb(count, total);
          else limiter.restore(count);
        });
      } catch {
        for (const { limiter, count } of all) limiter.restore(count);
      } finally {
        syncing = false;
      }
    };
    const timer = setInterval(() => void sync(), options.syncMs);
    timer.unref();
    fastify.addHook('onClose', async () => clearInterval(timer));

    fastify.decorate('admitRead', admitRead);
    fastify.decorate('applyRateLimit', (scope: FastifyInstance) => {
      scope.addHook('onRequest', hook);
    });
  },
  { name: 'rate-limit', dependencies: ['redis'] },
);
