import type { onRequestHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import { ForbiddenError, UnauthorizedError } from '../domain/errors.js';
import { createTokenCheck } from '../http/bearer-token.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** onRequest hook for writes: runs before the body is even parsed, so strangers learn nothing about it. */
    requireAdmin: onRequestHookHandler;
  }
}

export interface AuthPluginOptions {
  adminToken: string;
}

export default fp<AuthPluginOptions>(
  async (fastify, options) => {
    const check = createTokenCheck(options.adminToken);
    const requireAdmin: onRequestHookHandler = (request, reply, done) => {
      const result = check(request.headers.authorization);
      if (result === 'ok') return done();
      if (result === 'missing') {
        reply.header('www-authenticate', 'Bearer realm="livecart"');
        return done(new UnauthorizedError('this request needs Authorization: Bearer <admin token>'));
      }
      return done(new ForbiddenError('the bearer token is not valid'));
    };
    fastify.decorate('requireAdmin', requireAdmin);
  },
  { name: 'auth' },
);
