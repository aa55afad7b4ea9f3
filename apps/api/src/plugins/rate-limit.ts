import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import { RateLimitedError } from '../domain/errors.js';
import { createClientIp } from '../http/client-ip.js';
import type { ProxyTrust } from '../http/proxy-trust.js';
import { setHeaderList } from '../http/header-list.js';
import { createAdmission, type Admission, type AdmissionFields } from '../http/rate-limit-admission.js';
import { rateLimitPolicy, serviceLimitItem, type RateLimitPolicy } from '../http/rate-limit-fields.js';
import { WindowLimiter, type PendingCount } from '../http/window-limiter.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Adds the per-IP limits to a route scope (no-op when rate limiting is off). */
    applyRateLimit(scope: FastifyInstance): void;
    /** The admission the hook applies, for code that answers before Fastify's hooks (the read lane). */
    admitRequest: Admission;
    /** The RateLimit fields of an answer to a request `admitRequest` decided, for the same writers. */
    rateLimitFields: AdmissionFields;
    /**
     * The limits of order writes (placing, checking out, paying, cancelling), on top of the write limit; a
     * route onRequest hook: per client address, and per shopper session when the request carries one.
     */
    limitOrders: onRequestHookHandler;
  }
}

/**
 * Marks the routes of `scope` as rate-limited (`config.rateLimited`): their OpenAPI operations get the 429
 * and the RateLimit fields on every answer (openapi/finish-document.ts).
 */
function markRateLimited(scope: FastifyInstance): void {
  scope.addHook('onRoute', (route) => {
    route.config = { ...route.config, rateLimited: true };
  });
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
      // Still marked: the document describes the API as deployed, where the limits are on.
      fastify.decorate('applyRateLimit', markRateLimited);
      fastify.decorate('admitRequest', () => 0);
      fastify.decorate('rateLimitFields', () => []);
      fastify.decorate('limitOrders', ((_request, _reply, done) => done()) as onRequestHookHandler);
      return;
    }
    const limiters = {
      read: new WindowLimiter({ max: options.readMax, windowMs: options.windowMs }),
      write: new WindowLimiter({ max: options.writeMax, windowMs: options.windowMs }),
      order: new WindowLimiter({ max: options.orderMax, windowMs: options.windowMs }),
      'shopper-order': new WindowLimiter({ max: options.shopperOrderMax, windowMs: options.windowMs }),
    };
    const policies = {
      read: rateLimitPolicy('read', limiters.read),
      write: rateLimitPolicy('write', limiters.write),
      order: rateLimitPolicy('order', limiters.order),
      'shopper-order': rateLimitPolicy('shopper-order', limiters['shopper-order']),
    };
    const { admit, fields } = createAdmission({ read: policies.read, write: policies.write, allowList: options.allowList });
    const allowed = new Set(options.allowList);
    const clientIp = createClientIp(options.trustProxy);

    const refuse = (retryAfter: number, reply: FastifyReply, done: (error?: Error) => void) => {
      if (retryAfter === 0) return done();
      reply.header('retry-after', String(retryAfter));
      done(new RateLimitedError(retryAfter));
    };
    const hook: onRequestHookHandler = (request, reply, done) => {
      const ip = clientIp(request.raw) ?? '';
      const retryAfter = admit(ip, request.method);
      setHeaderList(reply, fields(ip, request.method, retryAfter));
      refuse(retryAfter, reply, done);
    };
    // A further policy's items join the list the write limit's hook started (one field per name, RFC 9110 §5.3).
    const addLimit = (reply: FastifyReply, policy: RateLimitPolicy, key: string, retryAfter: number) => {
      const listed = (name: string, item: string) => {
        const current = reply.getHeader(name);
        reply.header(name, typeof current === 'string' && current !== '' ? `${current}, ${item}` : item);
      };
      listed('ratelimit-policy', policy.item);
      listed('ratelimit', serviceLimitItem(policy, key, retryAfter));
    };
    const orderHook: onRequestHookHandler = (request, reply, done) => {
      const ip = clientIp(request.raw) ?? '';
      if (allowed.has(ip)) return done();
      const shopper = options.shopperKey(request);
      const byAddress = limiters.order.hit(ip);
      addLimit(reply, policies.order, ip, byAddress);
      if (byAddress !== 0 || shopper === undefined) return refuse(byAddress, reply, done);
      const bySession = limiters['shopper-order'].hit(shopper);
      addLimit(reply, policies['shopper-order'], shopper, bySession);
      refuse(bySession, reply, done);
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
    fastify.decorate('rateLimitFields', fields);
    fastify.decorate('limitOrders', orderHook);
    fastify.decorate('applyRateLimit', (scope: FastifyInstance) => {
      markRateLimited(scope);
      scope.addHook('onRequest', hook);
    });
  },
  { name: 'rate-limit', dependencies: ['redis'] },
);
