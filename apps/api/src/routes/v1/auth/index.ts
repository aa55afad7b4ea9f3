import cookie from '@fastify/cookie';
import { LoginSchema, StaffSessionSchema, type Login, type StaffSession } from '@livecart/schemas';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SESSION_COOKIE } from '../../../auth/session-cookie.js';
import { RateLimitedError, UnauthorizedError } from '../../../domain/errors.js';
import { createSession } from '../../../services/sessions/create-session.js';
import { endSession } from '../../../services/sessions/end-session.js';
import { endUserSessions } from '../../../services/sessions/end-user-sessions.js';
import { authenticateStaffUser } from '../../../services/staff/authenticate-staff-user.js';
import { digestOf } from '../../../auth/credential-secret.js';
import { errorResponses, inputSchema, outputSchema } from '../../schemas.js';

const NO_CONTENT = { 204: { type: 'null', description: 'Done; the session cookie is cleared' }, ...errorResponses() };

/** Sign-in, sign-out and "who am I" for staff; the session lives server-side, its id in an httpOnly cookie. */
export async function authRoutes(fastify: FastifyInstance): Promise<void> {
  // Only these routes set cookies; the rest of the API reads the session cookie without the plugin's hooks.
  await fastify.register(cookie, { hook: false });
  const { identity } = fastify;

  const cookieOptions = (request: FastifyRequest) => ({
    path: '/',
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: request.protocol === 'https',
  });
  const clearSessionCookie = (request: FastifyRequest, reply: FastifyReply) => reply.clearCookie(SESSION_COOKIE, cookieOptions(request));

  fastify.post<{ Body: Login }>(
    '/login',
    {
      config: { openapi: { headers: { 200: ['set-cookie'] }, refusals: [401] } },
      schema: {
        tags: ['auth'],
        operationId: 'login',
        summary: 'Sign in: a new session (the old cookie, if any, is replaced); 401 never says whether the email exists; 429 while throttled',
        body: inputSchema(LoginSchema),
        response: { 200: outputSchema(StaffSessionSchema), ...errorResponses() },
      },
    },
    async (request, reply): Promise<StaffSession> => {
      const { email, password } = request.body;
      try {
        await identity.throttle.begin(email, request.ip);
      } catch (error) {
        if (error instanceof RateLimitedError) reply.header('retry-after', String(error.retryAfterSeconds));
        throw error;
      }
      // The attempt already counts as a failure: a wrong password needs nothing more.
      const user = await authenticateStaffUser({ pool: fastify.db, email, password }).catch(async (error: unknown) => {
        await identity.throttle.release(email, request.ip).catch(() => {});
        throw error;
      });
      if (user === undefined) throw new UnauthorizedError('the email or the password is wrong');
      await identity.throttle.succeeded(email, request.ip);
      const previous = identity.cookie.read(request.headers.cookie);
      if (previous !== undefined) await endSession({ pool: fastify.db, digest: digestOf(previous) });
      const now = new Date(identity.now());
      const session = await createSession({ pool: fastify.db, userId: user.id, now, absoluteTimeoutS: identity.absoluteTimeoutS });
      reply.setCookie(SESSION_COOKIE, identity.cookie.sign(session.id), { ...cookieOptions(request), expires: session.expiresAt });
      const idleExpiresAt = new Date(Math.min(now.getTime() + identity.idleTimeoutS * 1_000, session.expiresAt.getTime()));
      return { user, idleExpiresAt: idleExpiresAt.toISOString(), expiresAt: session.expiresAt.toISOString() };
    },
  );

  fastify.post(
    '/logout',
    { config: { openapi: { headers: { 204: ['set-cookie'] } } }, schema: { tags: ['auth'], operationId: 'logout', summary: 'Sign out this session (a no-op without one)', response: NO_CONTENT } },
    async (request, reply) => {
      const sessionId = identity.cookie.read(request.headers.cookie);
      if (sessionId !== undefined) {
        const digest = digestOf(sessionId);
        await endSession({ pool: fastify.db, digest });
        await identity.revoke({ kind: 'session', digest: digest.toString('hex') });
      }
      clearSessionCookie(request, reply);
      return reply.code(204).send();
    },
  );

  fastify.post(
    '/logout-everywhere',
    {
      config: { access: { role: 'viewer' }, openapi: { headers: { 204: ['set-cookie'] } } },
      schema: { tags: ['auth'], operationId: 'logoutEverywhere', summary: "Sign out every one of the user's sessions, this one included", response: NO_CONTENT },
    },
    async (request, reply) => {
      const principal = request.principal;
      if (principal?.type !== 'user') throw new UnauthorizedError('only a staff session can sign out');
      await endUserSessions({ pool: fastify.db, userId: principal.id, actor: request.actor });
      await identity.revoke({ kind: 'user', userId: principal.id });
      clearSessionCookie(request, reply);
      return reply.code(204).send();
    },
  );

  fastify.get(
    '/session',
    {
      config: { openapi: { refusals: [401] } },
      schema: {
        tags: ['auth'],
        operationId: 'getSession',
        summary: 'Who is signed in, and until when; 401 without a live session',
        response: { 200: outputSchema(StaffSessionSchema), ...errorResponses() },
      },
    },
    async (request, reply): Promise<StaffSession> => {
      const sessionId = identity.cookie.read(request.headers.cookie);
      const session = sessionId === undefined ? undefined : await identity.resolver.resolveSession(sessionId);
      if (session === undefined) {
        reply.header('www-authenticate', 'Bearer realm="livecart"');
        throw new UnauthorizedError('no staff session: sign in with POST /v1/auth/login');
      }
      reply.header('cache-control', 'no-store');
      return { user: session.user, idleExpiresAt: session.idleExpiresAt.toISOString(), expiresAt: session.expiresAt.toISOString() };
    },
  );
}
