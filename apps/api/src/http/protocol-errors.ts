import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { ErrorEnvelope } from '@livecart/schemas';
import type { FastifyError, FastifyReply, FastifyRequest, FastifyServerFactoryHandler } from 'fastify';
import { BadRequestError, ExpectationFailedError } from '../domain/errors.js';
import { toClientErrorEnvelope, toErrorEnvelope } from './error-envelope.js';
import type { FastLane } from './fast-lane.js';
import { closeLingering, lingerBeforeClose } from './lingering-close.js';
import { JSON_CONTENT_TYPE } from './media-types.js';
import { headerLines } from './preset-head.js';
import { closeStalledWrites } from './stalled-writes.js';
import { staticHelmetHeaders } from './security-headers.js';

/*
 * Some refusals happen before Fastify's error handler can see them: Node's HTTP parser rejecting bytes
 * that are not HTTP/1.1, Node's own checks of Host and Expect, and Fastify's router rejecting a URL
 * that does not decode or an overlong path parameter. Each would answer with a body of its own (or
 * none); these handlers give every one of them the error envelope and the security headers instead.
 */

const securityHeaders = staticHelmetHeaders();
const securityPairs = Object.entries(securityHeaders).flat();

function writeEnvelope(request: IncomingMessage, response: ServerResponse, body: ErrorEnvelope): void {
  lingerBeforeClose(request);
  const json = JSON.stringify(body);
  response.writeHead(body.statusCode, { ...securityHeaders, 'content-type': JSON_CONTENT_TYPE, 'content-length': Buffer.byteLength(json), connection: 'close' });
  response.end(json);
}

/** Fastify's `frameworkErrors`: FST_ERR_BAD_URL, FST_ERR_MAX_PARAM_LENGTH (which skip setErrorHandler). */
export function replyToFrameworkError(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const body = toErrorEnvelope(error);
  reply.headers(securityHeaders).code(body.statusCode).type(JSON_CONTENT_TYPE).send(body);
}

/**
 * Whether an answer to an earlier (pipelined) request has begun on this socket: bytes written now would
 * land inside its body. Node's own refusal checks the same (lib/_http_server.js, socketOnError) through
 * the socket's `_httpMessage`, the answer being written; no public API names it. If that field goes,
 * its test (protocol-errors.test.ts, next to this file) fails.
 */
function answerUnderway(socket: Socket): boolean {
  return (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage?.headersSent === true;
}

/**
 * Fastify's `clientErrorHandler`: bytes Node's parser refused, headers too large, a request too slow to arrive.
 *
 * A refused request has usually not been read whole (Node reads 64 KB at a time; the parser stops at
 * `maxHeaderSize`), so the answer closes lingering (see lingering-close.ts). The parser stays refused,
 * and what still arrives is dropped by it, each chunk raising the same error here again: a socket whose
 * answer has gone out is left to its linger. A request that timed out is closed at once: its parser
 * has refused nothing and would still serve bytes that complete it.
 */
export function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  // A reset peer is gone: there is nobody to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed || socket.writableEnded) return;
  if (socket.writable && !answerUnderway(socket)) {
    const body = toClientErrorEnvelope(error);
    const json = JSON.stringify(body);
    const head = headerLines([...securityPairs, 'content-type', JSON_CONTENT_TYPE, 'content-length', String(Buffer.byteLength(json)), 'connection', 'close']);
    socket.write(`HTTP/1.1 ${body.statusCode} ${STATUS_CODES[body.statusCode] ?? ''}\r\n${head}\r\n${json}`);
    if (error.code?.startsWith('HPE_') === true) return closeLingering(socket);
  }
  socket.destroy(error);
}

export interface ServerTimeouts {
  keepAliveTimeoutMs: number;
  requestTimeoutMs: number;
  /** An answer whose bytes stop leaving for this long is closed (see stalled-writes.ts); 0 disables it. */
  connectionTimeoutMs: number;
}

/**
 * Fastify's `serverFactory`: the HTTP server Fastify would create, with the same timeouts, except that an
 * HTTP/1.1 request without Host (RFC 9112 §3.2) and an `Expect` other than 100-continue are refused with
 * the envelope; Node would otherwise answer both itself with an empty body. One property test per
 * request, before Fastify's handler. Then `lane` may answer the request itself (see fast-lane.ts).
 */
export function createHttpServerFactory(timeouts: ServerTimeouts, lane?: FastLane): (handler: FastifyServerFactoryHandler) => Server {
  const missingHost = toErrorEnvelope(new BadRequestError('an HTTP/1.1 request must carry a Host header', [{ field: 'headers.host', message: 'is required' }]));
  const unmetExpectation = toErrorEnvelope(
    new ExpectationFailedError('the server meets no expectation but 100-continue', [{ field: 'headers.expect', message: 'is not supported' }]),
  );
  return (handler) => {
    const server = createServer({ requireHostHeader: false }, (request, response) => {
      if (request.headers.host === undefined && request.httpVersionMajor === 1 && request.httpVersionMinor === 1) return writeEnvelope(request, response, missingHost);
      if (lane?.serve(request, response) === true) return;
      handler(request, response);
    });
    server.on('checkExpectation', (request: IncomingMessage, response: ServerResponse) => writeEnvelope(request, response, unmetExpectation));
    server.keepAliveTimeout = timeouts.keepAliveTimeoutMs;
    server.requestTimeout = timeouts.requestTimeoutMs;
    closeStalledWrites(server, timeouts.connectionTimeoutMs);
    return server;
  };
}
