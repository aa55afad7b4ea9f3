import { STATUS_CODES } from 'node:http';
import type { ErrorCode, ErrorDetail, ErrorEnvelope } from '@livecart/schemas';
import { isPgError, isQueryTimeout } from '../db/pg-errors.js';
import { DomainError } from '../domain/errors.js';

/** The parts of an Ajv error that name the bad field. */
export interface ValidationIssue {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

const PART_NAMES: Record<string, string> = { body: 'body', querystring: 'query', params: 'params', headers: 'headers' };

/** `body` + `/items/0/quantity` → `body.items[0].quantity`; required/additional properties name the key itself. */
export function fieldOf(part: string, issue: ValidationIssue): string {
  const segments = issue.instancePath === '' ? [] : issue.instancePath.slice(1).split('/');
  const extra = issue.params.missingProperty ?? issue.params.additionalProperty;
  if (typeof extra === 'string') segments.push(extra);
  const path = segments
    .map((segment) => segment.replaceAll('~1', '/').replaceAll('~0', '~'))
    .map((segment) => (/^\d+$/.test(segment) ? `[${segment}]` : `.${segment}`))
    .join('');
  return `${PART_NAMES[part] ?? part}${path}`;
}

const UUID_PATTERN = /\[0-9a-fA-F\]\{8\}-/;

function messageOf(issue: ValidationIssue): string {
  if (issue.keyword === 'required') return 'is required';
  if (issue.keyword === 'additionalProperties') return 'is not allowed';
  if (issue.keyword === 'pattern' && typeof issue.params.pattern === 'string') {
    const { pattern } = issue.params;
    if (UUID_PATTERN.test(pattern)) return 'must be a UUID';
    return pattern.length <= 80 ? `must match ${pattern}` : 'has an invalid format';
  }
  return issue.message ?? 'is invalid';
}

/** Within the envelope schema's limits: an echoed field name or message may come from a hostile request. */
function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function envelope(statusCode: number, code: ErrorCode, message: string, details?: ErrorDetail[]): ErrorEnvelope {
  const body: ErrorEnvelope = { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', code, message: clip(message, 2_000) };
  if (details !== undefined && details.length > 0) {
    body.details = details.slice(0, 100).map((detail) => ({ field: clip(detail.field, 200), message: clip(detail.message, 1_000) }));
  }
  return body;
}

/** Refusals made before any route runs: by Fastify's router (frameworkErrors) and by Node's HTTP parser (clientError). */
const PROTOCOL_ERRORS: Record<string, { statusCode: number; code: ErrorCode; message: string; field: string }> = {
  FST_ERR_BAD_URL: { statusCode: 400, code: 'VALIDATION_FAILED', message: 'the URL does not decode: a percent-escape is not valid UTF-8', field: 'url' },
  FST_ERR_MAX_PARAM_LENGTH: { statusCode: 414, code: 'VALIDATION_FAILED', message: 'a path parameter is longer than any valid one', field: 'params' },
  HPE_HEADER_OVERFLOW: { statusCode: 431, code: 'VALIDATION_FAILED', message: 'the request line and headers are larger than the server accepts', field: 'headers' },
  ERR_HTTP_REQUEST_TIMEOUT: { statusCode: 408, code: 'TIMEOUT', message: 'the request did not arrive in time', field: 'request' },
};

function protocolEnvelope(errorCode: string): ErrorEnvelope | undefined {
  const known = PROTOCOL_ERRORS[errorCode];
  if (known !== undefined) return envelope(known.statusCode, known.code, known.message, [{ field: known.field, message: 'is not acceptable' }]);
  // llhttp's codes (HPE_INVALID_METHOD, HPE_UNEXPECTED_CONTENT_LENGTH…) name the defect and reveal nothing else.
  if (errorCode.startsWith('HPE_')) return envelope(400, 'VALIDATION_FAILED', 'the request is not valid HTTP/1.1', [{ field: 'request', message: errorCode }]);
  return undefined;
}

/** The envelope for bytes Node's HTTP parser refused: always a 4xx, since the client sent them. */
export function toClientErrorEnvelope(error: unknown): ErrorEnvelope {
  const errorCode = (error as { code?: unknown }).code;
  return (typeof errorCode === 'string' ? protocolEnvelope(errorCode) : undefined) ?? envelope(400, 'VALIDATION_FAILED', 'the request is not valid HTTP/1.1');
}

// SQLSTATE classes and codes that mean "the database is not there right now", not "the request is wrong".
const UNAVAILABLE_SQLSTATE = /^(08|53|57P0[1-3]|40001|40P01|55P03)/;
const UNAVAILABLE_NODE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'EAI_AGAIN']);
// `timeout expired` is pg.Client's own connect timeout (the pool's connections keep it: src/db/pool.ts).
const UNAVAILABLE_MESSAGE = /timeout exceeded when trying to connect|Connection terminated|Client has encountered a connection error|^timeout expired$/i;

const STATUS_CODES_BY_FASTIFY: Record<number, ErrorCode> = {
  400: 'VALIDATION_FAILED',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  408: 'TIMEOUT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
  503: 'SERVICE_UNAVAILABLE',
};

/** The one mapping from anything thrown to the error envelope. Never exposes a stack or an internal message. */
export function toErrorEnvelope(error: unknown): ErrorEnvelope {
  if (error instanceof DomainError) return { ...envelope(error.statusCode, error.code, error.message, error.details), ...error.extra };

  const candidate = error as { validation?: ValidationIssue[]; validationContext?: string; statusCode?: unknown; code?: unknown; message?: unknown };
  if (Array.isArray(candidate.validation)) {
    const part = candidate.validationContext ?? 'body';
    const details = candidate.validation.map((issue) => ({ field: fieldOf(part, issue), message: messageOf(issue) }));
    const first = details[0];
    return envelope(400, 'VALIDATION_FAILED', first === undefined ? 'the request is not valid' : `${first.field} ${first.message}`, details);
  }

  if (isPgError(error)) {
    if (error.code === '23505') return envelope(409, 'CONFLICT', 'a record with the same unique value already exists');
    if (error.code.startsWith('23')) return envelope(409, 'CONFLICT', 'the change conflicts with the current data');
    if (error.code === '57014') return envelope(503, 'TIMEOUT', 'the database took too long to answer');
    if (UNAVAILABLE_SQLSTATE.test(error.code)) return envelope(503, 'SERVICE_UNAVAILABLE', 'the database is unavailable; retry shortly');
    if (error.code.startsWith('22')) return envelope(400, 'VALIDATION_FAILED', 'a value is out of range or malformed');
  }
  if (isQueryTimeout(error)) return envelope(503, 'TIMEOUT', 'the database did not answer in time');
  const nodeCode = typeof candidate.code === 'string' ? candidate.code : '';
  const protocol = protocolEnvelope(nodeCode);
  if (protocol !== undefined) return protocol;
  const message = typeof candidate.message === 'string' ? candidate.message : '';
  if (UNAVAILABLE_NODE.has(nodeCode) || UNAVAILABLE_MESSAGE.test(message)) {
    return envelope(503, 'SERVICE_UNAVAILABLE', 'a backing service is unavailable; retry shortly');
  }

  // Fastify's own client errors (bad JSON, body too large, unsupported media type...) carry safe messages.
  const status = typeof candidate.statusCode === 'number' ? candidate.statusCode : 500;
  if (status >= 400 && status < 500) {
    const code = STATUS_CODES_BY_FASTIFY[status] ?? 'VALIDATION_FAILED';
    const details = status === 400 ? [{ field: 'body', message: message.slice(0, 1000) }] : undefined;
    return envelope(status, code, message.slice(0, 2000) || (STATUS_CODES[status] ?? 'Bad request'), details);
  }
  if (status === 503) return envelope(503, 'SERVICE_UNAVAILABLE', 'the service is unavailable; retry shortly');
  return envelope(500, 'INTERNAL', 'an internal error occurred');
}
