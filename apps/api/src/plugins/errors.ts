import fp from 'fastify-plugin';
import Router from 'find-my-way';
import { DomainError } from '../domain/errors.js';
import { toErrorEnvelope } from '../http/error-envelope.js';
import { lingerBeforeClose } from '../http/lingering-close.js';
import { JSON_CONTENT_TYPE } from '../http/media-types.js';
import { loggableUrl } from '../http/loggable-url.js';

/** The order methods are listed in an Allow header. */
const METHOD_ORDER = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];

/**
 * Every 4xx/5xx leaves as the ErrorEnvelope, including unknown routes; unexpected 5xx are logged. The
 * security and CORS headers set before the error (plugins/response-headers.ts) stay on the answer.
 *
 * A path that some route serves, asked with a method none serves, is 405 with `Allow` (RFC 9110 §15.5.6),
 * not 404. Fastify's router only says that nothing matched, so the routes' paths are kept in a router of
 * their own (the same find-my-way, with the same trailing-slash rule), asked only on that refusal. OPTIONS
 * is answered on every path (the preflight route), so it is in every Allow and never makes a path known.
 */
export default fp(
  async (fastify) => {
    fastify.setErrorHandler((error, request, reply) => {
      const body = toErrorEnvelope(error);
      // An error answered before the body arrived (over the limit, a failed parse) may close the
      // connection: the rest of the body is then read and dropped first (a no-op for a request in whole).
      lingerBeforeClose(request.raw);
      if (body.statusCode === 503) reply.header('retry-after', '1');
      // Expected refusals (including a 503 from /ready) are answers, not incidents.
      if (body.statusCode >= 500 && !(error instanceof DomainError)) {
        request.log.error({ err: error, method: request.method, url: loggableUrl(request.url), statusCode: body.statusCode }, 'request failed');
      }
      reply.code(body.statusCode).type(JSON_CONTENT_TYPE).send(body);
    });
    const paths = Router({ ignoreTrailingSlash: true });
    const registered = new Set<string>();
    fastify.addHook('onRoute', (route) => {
      for (const method of [route.method].flat()) {
        const key = `${method} ${route.url}`;
        if (method === 'OPTIONS' || registered.has(key)) continue;
        registered.add(key);
        paths.on(method as Router.HTTPMethod, route.url, () => {});
      }
    });
    const allowedMethods = (path: string): string[] => {
      const methods = [...new Set([...registered].map((key) => key.slice(0, key.indexOf(' '))))];
      return methods.filter((method) => paths.find(method as Router.HTTPMethod, path) !== null).sort((a, b) => METHOD_ORDER.indexOf(a) - METHOD_ORDER.indexOf(b));
    };

    fastify.setNotFoundHandler((request, reply) => {
      const path = request.url.split('?')[0] ?? '';
      const allowed = allowedMethods(path);
      // A route that found nothing to serve (a static file) calls the not-found handler with its own method.
      if (allowed.length > 0 && !allowed.includes(request.method)) {
        const allow = [...allowed, 'OPTIONS'].join(', ');
        reply.code(405).header('allow', allow).send({
          statusCode: 405,
          error: 'Method Not Allowed',
          code: 'METHOD_NOT_ALLOWED',
          message: `${request.method.slice(0, 20)} is not allowed on ${path.slice(0, 200)}; allowed: ${allow}`,
        });
        return;
      }
      reply.code(404).send({
        statusCode: 404,
        error: 'Not Found',
        code: 'NOT_FOUND',
        message: `no route for ${request.method} ${request.url.split('?')[0]?.slice(0, 200)}`,
      });
    });
  },
  { name: 'errors' },
);
