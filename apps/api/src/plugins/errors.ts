import fp from 'fastify-plugin';
import { DomainError } from '../domain/errors.js';
import { toErrorEnvelope } from '../http/error-envelope.js';
import { lingerBeforeClose } from '../http/lingering-close.js';
import { staticHelmetHeaders } from '../http/security-headers.js';

/** Every 4xx/5xx leaves as the ErrorEnvelope, including unknown routes; unexpected 5xx are logged. */
export default fp(
  async (fastify) => {
    // Errors of the hot read (outside helmet's scope) and of unknown routes get helmet's headers too.
    const securityHeaders = staticHelmetHeaders();
    fastify.setErrorHandler((error, request, reply) => {
      const body = toErrorEnvelope(error);
      // A body refused before it arrived (over the limit, wrong type) is answered with Connection: close.
      if (reply.getHeader('connection') === 'close') lingerBeforeClose(request.raw);
      reply.headers(securityHeaders);
      if (body.statusCode === 503) reply.header('retry-after', '1');
      // Expected refusals (including a 503 from /ready) are answers, not incidents.
      if (body.statusCode >= 500 && !(error instanceof DomainError)) {
        request.log.error({ err: error, method: request.method, url: request.url, statusCode: body.statusCode }, 'request failed');
      }
      reply.code(body.statusCode).type('application/json; charset=utf-8').send(body);
    });
    fastify.setNotFoundHandler((request, reply) => {
      reply.headers(securityHeaders);
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
