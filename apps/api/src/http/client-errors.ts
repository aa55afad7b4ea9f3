import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { ErrorEnvelope } from '@livecart/schemas';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { toClientErrorEnvelope, toErrorEnvelope } from './error-envelope.js';
import { setHeaderList, type HeaderList } from './header-list.js';
import { closeLingering, lingerBeforeClose } from './lingering-close.js';
import { JSON_CONTENT_TYPE } from './media-types.js';
import { answerUnderway } from './node-internals.js';
import type { ResponseHeaders } from './response-headers.js';

/*
 * Some refusals happen before Fastify's error handler can see them: Node's HTTP parser rejecting bytes
 * that are not HTTP/1.1, Node's own checks of Host and Expect, and Fastify's router rejecting a URL
 * that does not decode or an overlong path parameter. Each would answer with a body of its own (or
 * none); these handlers give every one of them the error envelope and the headers of every answer.
 */

/** Answers `request` with `body` and closes the connection (see lingering-close.ts), before Fastify. */
export function answerWithEnvelope(headers: ResponseHeaders, request: IncomingMessage, response: ServerResponse, body: ErrorEnvelope): void {
  lingerBeforeClose(request);
  const json = JSON.stringify(body);
  response.writeHead(body.statusCode, [...headers.forRequest(request), 'content-type', JSON_CONTENT_TYPE, 'content-length', String(Buffer.byteLength(json)), 'connection', 'close']);
  response.end(json);
}

/** Fastify's `frameworkErrors` (FST_ERR_BAD_URL, FST_ERR_MAX_PARAM_LENGTH, which skip setErrorHandler and every hook). */
export function createFrameworkErrorReply(headers: ResponseHeaders): (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => void {
  return (error, request, reply) => {
    const body = toErrorEnvelope(error);
    setHeaderList(reply, headers.forRequest(request.raw));
    reply.code(body.statusCode).type(JSON_CONTENT_TYPE).send(body);
  };
}

function headText(statusCode: number, headers: HeaderList): string {
  let head = `HTTP/1.1 ${statusCode} ${STATUS_CODES[statusCode] ?? ''}\r\n`;
  for (let i = 0; i < headers.length; i += 2) head += `${headers[i]}: ${headers[i + 1]}\r\n`;
  return `${head}\r\n`;
}

/**
 * Fastify's `clientErrorHandler`: bytes Node's parser refused, headers too large, a request too slow to
 * arrive. There is no request to read Origin or X-Forwarded-Proto from, so the answer carries the
 * headers of a plain same-origin answer, written to the socket (Node gives no response object here).
 *
 * A refused request has usually not been read whole (Node reads 64 KB at a time; the parser stops at
 * `maxHeaderSize`), so the answer closes lingering (see lingering-close.ts). The parser stays refused,
 * and what still arrives is dropped by it, each chunk raising the same error here again: a socket whose
 * answer has gone out is left to its linger. A request that timed out is closed at once: its parser
 * has refused nothing and would still serve bytes that complete it.
 */
export function createClientErrorAnswer(headers: ResponseHeaders): (error: Error & { code?: string }, socket: Socket) => void {
  return (error, socket) => {
    // A reset peer is gone: there is nobody to answer.
    if (error.code === 'ECONNRESET' || socket.destroyed || socket.writableEnded) return;
    if (socket.writable && !answerUnderway(socket)) {
      const body = toClientErrorEnvelope(error);
      const json = JSON.stringify(body);
      socket.write(headText(body.statusCode, [...headers.withoutRequest, 'content-type', JSON_CONTENT_TYPE, 'content-length', String(Buffer.byteLength(json)), 'connection', 'close']) + json);
      if (error.code?.startsWith('HPE_') === true) return closeLingering(socket);
    }
    socket.destroy(error);
  };
}
