import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { FastifyServerFactoryHandler } from 'fastify';
import { BadRequestError, ExpectationFailedError } from '../domain/errors.js';
import { answerWithEnvelope } from './client-errors.js';
import { toErrorEnvelope } from './error-envelope.js';
import type { ResponseHeaders } from './response-headers.js';
import type { ServerLane } from './server-lane.js';
import { closeStalledWrites } from './stalled-writes.js';

export interface ServerTimeouts {
  keepAliveTimeoutMs: number;
  requestTimeoutMs: number;
  /** An answer whose bytes stop leaving for this long is closed (see stalled-writes.ts); 0 disables it. */
  connectionTimeoutMs: number;
}

export interface HttpServerFactoryOptions {
  timeouts: ServerTimeouts;
  headers: ResponseHeaders;
  /** Where a handler installed later may answer a request before Fastify (see server-lane.ts). */
  lane: ServerLane;
}

/**
 * Fastify's `serverFactory`: the HTTP server Fastify would create, with the same timeouts, except that an
 * HTTP/1.1 request without Host (RFC 9112 §3.2) and an `Expect` other than 100-continue are refused with
 * the envelope; Node would otherwise answer both itself with an empty body. One property test per
 * request, before Fastify's handler. Then the lane may answer the request itself.
 */
export function createHttpServerFactory(options: HttpServerFactoryOptions): (handler: FastifyServerFactoryHandler) => Server {
  const { timeouts, headers, lane } = options;
  const missingHost = toErrorEnvelope(new BadRequestError('an HTTP/1.1 request must carry a Host header', [{ field: 'headers.host', message: 'is required' }]));
  const unmetExpectation = toErrorEnvelope(
    new ExpectationFailedError('the server meets no expectation but 100-continue', [{ field: 'headers.expect', message: 'is not supported' }]),
  );
  return (handler) => {
    const server = createServer({ requireHostHeader: false }, (request, response) => {
      if (request.headers.host === undefined && request.httpVersionMajor === 1 && request.httpVersionMinor === 1) {
        return answerWithEnvelope(headers, request, response, missingHost);
      }
      if (lane.serve(request, response)) return;
      handler(request, response);
    });
    server.on('checkExpectation', (request: IncomingMessage, response: ServerResponse) => answerWithEnvelope(headers, request, response, unmetExpectation));
    server.keepAliveTimeout = timeouts.keepAliveTimeoutMs;
    server.requestTimeout = timeouts.requestTimeoutMs;
    closeStalledWrites(server, timeouts.connectionTimeoutMs);
    return server;
  };
}
