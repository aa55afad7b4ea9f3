import { SHOPPER_SESSION_COOKIE } from '@livecart/schemas';
import type { FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import { isShopperAccess, SHOPPER_SECURITY } from '../auth/access.js';
import { digestOf } from '../auth/credential-secret.js';
import { LoginThrottle, type LoginThrottleOptions } from '../auth/login-throttle.js';
import { createSessionCookie, type SessionCookie } from '../auth/session-cookie.js';
import { ShopperSessionResolver } from '../auth/shopper-session-resolver.js';
import type { Shopper } from '../auth/shopper.js';
import { UnauthorizedError } from '../domain/errors.js';
import type { CartTimes } from '../services/carts/cart-owner.js';
import type { CreatedShopperSession } from '../services/shoppers/create-shopper-session.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The shopper session of a request to a shoppers' route (`config.access.shopper`), if it has one. */
    shopper: Shopper | null;
  }
  interface FastifyInstance {
    shoppers: Shoppers;
  }
}

export interface Shoppers {
  cookie: SessionCookie;
  throttle: LoginThrottle;
  now: () => number;
  idleTimeoutS: number;
  absoluteTimeoutS: number;
  times: CartTimes;
  /** The live shopper session a Cookie header names, if any (an expired one is ended on the way). */
  resolve(cookieHeader: string | undefined): Promise<Shopper | undefined>;
  /** Makes a new guest session, stored by the caller, the request's shopper, its cookie set on the reply. */
  adopt(request: FastifyRequest, reply: FastifyReply, session: CreatedShopperSession): Shopper;
  /** Sets the session cookie for a session secret. */
  setCookie(request: FastifyRequest, reply: FastifyReply, secret: string, expiresAt: Date): void;
  clearCookie(request: FastifyRequest, reply: FastifyReply): void;
}

export interface ShoppersPluginOptions {
  prefix: string;
  sessionSecret: string;
  idleTimeoutS: number;
  absoluteTimeoutS: number;
  /** How long a checked session is trusted without Postgres (AUTH_CACHE_TTL_MS, as staff's). */
  cacheTtlMs: number;
  login: Omit<LoginThrottleOptions, 'redis' | 'prefix' | 'namespace'>;
  times: CartTimes;
  now?: () => number;
}

const LOGIN_REDIS_TIMEOUT_MS = 2_000;

/**
 * Shoppers' sessions, apart from staff's: their own cookie (`SHOPPER_SESSION_COOKIE`, signed with the same
 * secret), table, throttle namespace and actor types. Routes that declare `config.access.shopper` get the
 * request's shopper resolved before their body is parsed (`request.shopper`; null without a live session),
 * customer-only ones refuse without a customer (401), and all show the shopper cookie in OpenAPI. A staff
 * credential is never read here, and the staff plugin never reads this cookie.
 */
export default fp<ShoppersPluginOptions>(
  async (fastify, options) => {
    const now = options.now ?? Date.now;
    const cookie = createSessionCookie(options.sessionSecret, SHOPPER_SESSION_COOKIE);
    const cookieOptions = (request: FastifyRequest) => ({ path: '/', httpOnly: true, sameSite: 'lax' as const, secure: request.protocol === 'https' });

    const resolver = new ShopperSessionResolver({
      db: fastify.db,
      log: fastify.log.child({ component: 'shopper-sessions' }),
      cacheTtlMs: options.cacheTtlMs,
      idleTimeoutMs: options.idleTimeoutS * 1_000,
      now,
    });
    fastify.identity.followRevocations(resolver);
    const resolve = async (cookieHeader: string | undefined): Promise<Shopper | undefined> => {
      const secret = cookie.read(cookieHeader);
      return secret === undefined ? undefined : resolver.resolve(secret);
    };

    const shoppers: Shoppers = {
      cookie,
      throttle: new LoginThrottle({
        redis: fastify.createRedis({ commandTimeout: LOGIN_REDIS_TIMEOUT_MS, enableOfflineQueue: true, connectionName: `${options.prefix}:customer-login` }),
        prefix: options.prefix,
        namespace: 'customer-login',
        ...options.login,
      }),
      now,
      idleTimeoutS: options.idleTimeoutS,
      absoluteTimeoutS: options.absoluteTimeoutS,
      times: options.times,
      resolve,
      adopt(request, reply, session) {
        shoppers.setCookie(request, reply, session.secret, session.expiresAt);
        const idleExpiresAt = new Date(Math.min(now() + options.idleTimeoutS * 1_000, session.expiresAt.getTime()));
        request.shopper = { id: session.id, digest: digestOf(session.secret), customer: null, idleExpiresAt, expiresAt: session.expiresAt };
        resolver.remember(request.shopper, now());
        return request.shopper;
      },
      setCookie(request, reply, secret, expiresAt) {
        reply.header('set-cookie', cookie.serialize(cookie.sign(secret), { ...cookieOptions(request), expires: expiresAt }));
      },
      clearCookie(request, reply) {
        reply.header('set-cookie', cookie.serialize('', { ...cookieOptions(request), expires: new Date(0) }));
      },
    };
    fastify.decorate('shoppers', shoppers);
    fastify.decorateRequest('shopper', null);

    fastify.addHook('onRoute', (route) => {
      const access = route.config?.access;
      if (access === undefined || !isShopperAccess(access)) return;
      const check: onRequestHookHandler = async (request, reply) => {
        request.shopper = (await resolve(request.headers.cookie)) ?? null;
        if (access.shopper === 'customer' && request.shopper?.customer == null) {
          reply.header('www-authenticate', 'Cookie realm="livecart-shop"');
          throw new UnauthorizedError('this request needs a signed-in customer: sign in with POST /v1/customer-auth/login');
        }
      };
      route.onRequest = [check, ...[route.onRequest ?? []].flat()];
      route.schema = { ...route.schema, security: SHOPPER_SECURITY };
    });
  },
  { name: 'shoppers', dependencies: ['db', 'redis', 'auth'] },
);
