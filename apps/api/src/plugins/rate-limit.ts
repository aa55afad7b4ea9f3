import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import { RateLimitedError } from '../domain/errors.js';
import { createClientIp } from '../http/client-ip.js';
import type { ProxyTrust } from '../http/proxy-trust.js';
import { createAdmission, type Admission } from '../http/rate-limit-admission.js';
import { WindowLimiter, type PendingCount } from '../http/window-limiter.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Adds the per-IP limits to a route scope (no-op when rate limiting is off). */
    applyRateLimit(scope: FastifyInstance): void;
    /** The admission the hook applies, for code that answers before Fastify's hooks (the read lane). */
    admitRequest: Admission;
    /**
     * The limits of order writes (placing, checking out, paying, cancelling), on top of the write limit; a
     * route onRequest hook: per client address, and per shopper session when the request carries one.
     */
    limitOrders: onRequestHookHandler;
  }
}

export interface RateLimitPluginOptions {
  enabled: boolean;
  prefix: string;
  windowMs: number;
  readMax: number;
  writeMax: number;
  /** Order writes per IP per window (they cost stock and payments: a tighter limit than other writes). */
  orderMax: number;
  /** Order writes per shopper session per window (a session's cookie is counted wherever it comes from). */
  shopperOrderMax: number;
  /** The request's shopper session as a limit key (a digest of its signed cookie), if it carries one. */
  shopperKey: (request: FastifyRequest) => string | undefined;
  syncMs: number;
  allowList: readonly string[];
  /** As Fastify's `trustProxy`: which proxies' X-Forwarded-For gives the client's address. */
  trustProxy: ProxyTrust;
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
      fastify.decorate('admitRequest', () => 0);
      fastify.decorate('limitOrders', ((_request, _reply, done) => done()) as onRequestHookHandler);
      return;
    }
    const limiters = {
      read: new WindowLimiter({ max: options.readMax, windowMs: options.windowMs }),
      write: new WindowLimiter({ max: options.writeMax, windowMs: options.windowMs }),
      order: new WindowLimiter({ max: options.orderMax, windowMs: options.windowMs }),
      'shopper-order': new WindowLimiter({ max: options.shopperOrderMax, windowMs: options.windowMs }),
    };
    const admit = createAdmission({ read: limiters.read, write: limiters.write, allowList: options.allowList });
    const allowed = new Set(options.allowList);
    const clientIp = createClientIp(options.trustProxy);

    const refuse = (retryAfter: number, reply: FastifyReply, done: (error?: Error) => void) => {
      if (retryAfter === 0) return done();
      reply.header('retry-after', String(retryAfter));
      done(new RateLimitedError(retryAfter));
    };
    const hook: onRequestHookHandler = (request, reply, done) => refuse(admit(clientIp(request.raw) ?? '', request.method), reply, done);
    const orderHook: onRequestHookHandler = (request, reply, done) => {
      const ip = clientIp(request.raw) ?? '';
      if (allowed.has(ip)) return done();
      const shopper = options.shopperKey(request);
      const byAddress = limiters.order.hit(ip);
      refuse(byAddress !== 0 || shopper === undefined ? byAddress : limiters['shopper-order'].hit(shopper), reply, done);
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

    fastify.decorate('admitRequest', admit);
    fastify.decorate('limitOrders', orderHook);
    fastify.decorate('applyRateLimit', (scope: FastifyInstance) => {
      scope.addHook('onRequest', hook);
    });
  },
  { name: 'rate-limit', dependencies: ['redis'] },
);
