import type { FastifyRequest, onRequestHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import type { Actor } from '@livecart/schemas';
import { allows, isShopperAccess, securityOf, type Access, type Principal, type ShopperAccess } from '../auth/access.js';
import { actorOf } from '../auth/actor.js';
import { CredentialResolver } from '../auth/credential-resolver.js';
import { LoginThrottle, type LoginThrottleOptions } from '../auth/login-throttle.js';
import { listenForRevocations, type RevocationTarget } from '../auth/revocation-listener.js';
import { revocationsChannel, type Revocation } from '../auth/revocations.js';
import { createSessionCookie, type SessionCookie } from '../auth/session-cookie.js';
import { ForbiddenError, UnauthorizedError } from '../domain/errors.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The role or scope this route needs, or the shopper session it needs (plugins/shoppers.ts); absent on public routes. */
    access?: Access | ShopperAccess;
  }
  interface FastifyRequest {
    /** Who made the request, on routes that declare `config.access`. */
    principal: Principal | null;
    /** Who this request's writes are recorded as (audit log, events): the principal, or a guest. */
    readonly actor: Actor;
  }
  interface FastifyInstance {
    identity: Identity;
    /** Every route registered, with the access it declared (tests enumerate it). */
    routeAccess: RouteAccess[];
  }
}

export interface RouteAccess {
  method: string;
  url: string;
  access: Access | ShopperAccess | undefined;
}

export interface Identity {
  resolver: CredentialResolver;
  throttle: LoginThrottle;
  cookie: SessionCookie;
  now: () => number;
  idleTimeoutS: number;
  absoluteTimeoutS: number;
  /** Keeps another credential cache (the shoppers') coherent with every instance's revocations. */
  followRevocations(target: RevocationTarget): void;
  /** Applies a revocation here at once and tells every other instance. */
  revoke(revocation: Revocation): Promise<void>;
}

export interface AuthPluginOptions {
  prefix: string;
  sessionSecret: string;
  idleTimeoutS: number;
  absoluteTimeoutS: number;
  cacheTtlMs: number;
  login: Omit<LoginThrottleOptions, 'redis' | 'prefix'>;
  now?: () => number;
}

const LOGIN_REDIS_TIMEOUT_MS = 2_000;
const BEARER = /^Bearer[ \t]+(\S+)\s*$/i;

/**
 * Who may call what. A route declares `config.access` once; this plugin turns that into the check
 * (before the body is parsed, so strangers learn nothing about it) and into the operation's OpenAPI
 * `security`. A caller is a staff session (cookie) or an API key (`Authorization: Bearer`).
 */
export default fp<AuthPluginOptions>(
  async (fastify, options) => {
    const now = options.now ?? Date.now;
    const resolver = new CredentialResolver({
      pool: fastify.db,
      log: fastify.log.child({ component: 'credentials' }),
      cacheTtlMs: options.cacheTtlMs,
      idleTimeoutMs: options.idleTimeoutS * 1_000,
      now,
    });
    const revocations = listenForRevocations({
      subscriber: fastify.createRedis({ enableOfflineQueue: true, autoResubscribe: false, commandTimeout: undefined, maxRetriesPerRequest: null, connectionName: `${options.prefix}:auth` }),
      prefix: options.prefix,
      log: fastify.log.child({ component: 'revocations' }),
    });
    revocations.add(resolver);
    const channel = revocationsChannel(options.prefix);
    const identity: Identity = {
      resolver,
      // Its own connection with a longer timeout than the request path's fail-fast one: a sign-in costs tens of
      // ms of KDF anyway, and a busy host that stalls this process past 250 ms must not turn logins into 503s.
      // A command issued while it (re)connects waits for it, up to that timeout, then fails: 503.
      throttle: new LoginThrottle({
        redis: fastify.createRedis({ commandTimeout: LOGIN_REDIS_TIMEOUT_MS, enableOfflineQueue: true, connectionName: `${options.prefix}:login` }),
        prefix: options.prefix,
        ...options.login,
      }),
      cookie: createSessionCookie(options.sessionSecret),
      now,
      idleTimeoutS: options.idleTimeoutS,
      absoluteTimeoutS: options.absoluteTimeoutS,
      followRevocations: (target) => revocations.add(target),
      async revoke(revocation) {
        revocations.apply(revocation);
        try {
          await fastify.redis.publish(channel, JSON.stringify(revocation));
        } catch (error) {
          // The other instances drop the credential when their cache entry ends (AUTH_CACHE_TTL_MS).
          fastify.log.error({ err: error, revocation: revocation.kind }, 'revocation not published');
        }
      },
    };
    fastify.decorate('identity', identity);
    fastify.decorateRequest('principal', null);
    fastify.decorateRequest('actor', {
      getter(this: FastifyRequest) {
        return actorOf(this.principal, this.shopper ?? null);
      },
    });

    const authenticate = async (authorization: string | undefined, cookieHeader: string | undefined): Promise<Principal | undefined> => {
      if (authorization !== undefined) {
        const token = BEARER.exec(authorization)?.[1];
        if (token === undefined) return undefined;
        return resolver.resolveApiKey(token);
      }
      const sessionId = identity.cookie.read(cookieHeader);
      return sessionId === undefined ? undefined : (await resolver.resolveSession(sessionId))?.principal;
    };

    const routeAccess: RouteAccess[] = [];
    fastify.decorate('routeAccess', routeAccess);
    fastify.addHook('onRoute', (route) => {
      const access = route.config?.access;
      for (const method of [route.method].flat()) routeAccess.push({ method, url: route.url, access });
      // Shoppers' routes are the shoppers plugin's: no staff credential counts there.
      if (access === undefined || isShopperAccess(access)) return;
      const check: onRequestHookHandler = async (request, reply) => {
        const principal = await authenticate(request.headers.authorization, request.headers.cookie);
        if (access.owner !== undefined) {
          // Staff who pass are let through as staff; anyone else is left to the route's owner check, which
          // answers a stranger 404 (not 401/403, which would confirm that the order exists).
          if (principal !== undefined && allows(principal, access)) request.principal = principal;
          return;
        }
        if (principal === undefined && BEARER.test(request.headers.authorization ?? '')) {
          // A key was given but is unknown or revoked: refused like a wrong key always was.
          throw new ForbiddenError('the API key is not valid or has been revoked');
        }
        if (principal === undefined) {
          reply.header('www-authenticate', 'Bearer realm="livecart"');
          throw new UnauthorizedError('this request needs a staff session or an API key (Authorization: Bearer <key>); the one given is missing, expired or revoked');
        }
        if (!allows(principal, access)) {
          const needs = access.scope === undefined ? `a staff user with role ${access.role} or higher` : `role ${access.role} or higher, or an API key with scope ${access.scope}`;
          throw new ForbiddenError(`this request needs ${needs}`);
        }
        request.principal = principal;
      };
      route.onRequest = [check, ...[route.onRequest ?? []].flat()];
      route.schema = { ...route.schema, security: securityOf(access) };
    });
  },
  { name: 'auth', dependencies: ['db', 'redis'] },
);
