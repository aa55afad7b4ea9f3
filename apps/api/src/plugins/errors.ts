import fp from 'fastify-plugin';
import { DomainError } from '../domain/errors.js';
import { toErrorEnvelope } from '../http/error-envelope.js';
import { lingerBeforeClose } from '../http/lingering-close.js';
import { JSON_CONTENT_TYPE } from '../http/media-types.js';
import { loggableUrl } from '../http/loggable-url.js';

/**
 * Every 4xx/5xx leaves as the ErrorEnvelope, including unknown routes; unexpected 5xx are logged. The
 * security and CORS headers set before the error (plugins/response-headers.ts) stay on the answer.
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
    fastify.setNotFoundHandler((request, reply) => {
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
