import { describe, expect, it } from 'vitest';
import { NotFoundError, OutOfStockError, RateLimitedError } from '../domain/errors.js';
import { fieldOf, toClientErrorEnvelope, toErrorEnvelope } from './error-envelope.js';

const pgError = (code: string, message = 'db said no') => Object.assign(new Error(message), { code });

describe('error envelope', () => {
  it('maps domain errors with their status, code and details', () => {
    expect(toErrorEnvelope(new OutOfStockError('no', [{ field: 'body.items[0].quantity', message: 'only 1 left' }]))).toEqual({
      statusCode: 409,
      error: 'Conflict',
      code: 'OUT_OF_STOCK',
      message: 'no',
      details: [{ field: 'body.items[0].quantity', message: 'only 1 left' }],
    });
    expect(toErrorEnvelope(new NotFoundError('gone'))).toEqual({ statusCode: 404, error: 'Not Found', code: 'NOT_FOUND', message: 'gone' });
    expect(toErrorEnvelope(new RateLimitedError(3)).statusCode).toBe(429);
  });

  it('names the field of an Ajv error in body, query, params and headers', () => {
    expect(fieldOf('body', { instancePath: '/items/0/quantity', keyword: 'minimum', params: {} })).toBe('body.items[0].quantity');
    expect(fieldOf('querystring', { instancePath: '', keyword: 'additionalProperties', params: { additionalProperty: 'colour' } })).toBe('query.colour');
    expect(fieldOf('body', { instancePath: '/items/1', keyword: 'required', params: { missingProperty: 'productId' } })).toBe('body.items[1].productId');
    expect(fieldOf('headers', { instancePath: '/idempotency-key', keyword: 'pattern', params: {} })).toBe('headers.idempotency-key');
    const envelope = toErrorEnvelope(
      Object.assign(new Error('x'), {
        validation: [{ instancePath: '/id', keyword: 'pattern', params: { pattern: '^[0-9a-fA-F]{8}-...$' }, message: 'must match' }],
        validationContext: 'params',
      }),
    );
    expect(envelope).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED', details: [{ field: 'params.id', message: 'must be a UUID' }] });
  });

  it('maps Postgres errors: unique → 409, check → 409, unavailable → 503, never the raw message', () => {
    expect(toErrorEnvelope(pgError('23505', 'duplicate key value violates unique constraint "secret_idx"'))).toMatchObject({ statusCode: 409, code: 'CONFLICT' });
    expect(toErrorEnvelope(pgError('23514'))).toMatchObject({ statusCode: 409, code: 'CONFLICT' });
    expect(toErrorEnvelope(pgError('57P01'))).toMatchObject({ statusCode: 503, code: 'SERVICE_UNAVAILABLE' });
    expect(toErrorEnvelope(pgError('08006'))).toMatchObject({ statusCode: 503, code: 'SERVICE_UNAVAILABLE' });
    expect(toErrorEnvelope(pgError('57014'))).toMatchObject({ statusCode: 503, code: 'TIMEOUT' });
    expect(toErrorEnvelope(pgError('22P02'))).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED' });
    expect(JSON.stringify(toErrorEnvelope(pgError('23505', 'secret_idx')))).not.toContain('secret_idx');
  });

  it('maps connection failures to 503 and anything unknown to a bare 500', () => {
    expect(toErrorEnvelope(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })).statusCode).toBe(503);
    expect(toErrorEnvelope(new Error('timeout exceeded when trying to connect')).statusCode).toBe(503);
    expect(toErrorEnvelope(new Error('timeout expired')).statusCode).toBe(503);
    expect(toErrorEnvelope(new Error('Query read timeout'))).toMatchObject({ statusCode: 503, code: 'TIMEOUT' });
    const internal = toErrorEnvelope(new TypeError('Cannot read properties of undefined (reading "x")'));
    expect(internal).toEqual({ statusCode: 500, error: 'Internal Server Error', code: 'INTERNAL', message: 'an internal error occurred' });
  });

  it('keeps Fastify client errors with their status', () => {
    expect(toErrorEnvelope(Object.assign(new Error('Request body is too large'), { statusCode: 413, code: 'FST_ERR_CTP_BODY_TOO_LARGE' }))).toMatchObject({ statusCode: 413, code: 'PAYLOAD_TOO_LARGE' });
    expect(toErrorEnvelope(Object.assign(new Error('Unsupported Media Type'), { statusCode: 415 }))).toMatchObject({ statusCode: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
    // @fastify/static refusing a path outside its root (the docs' static files).
    expect(toErrorEnvelope(Object.assign(new Error('Forbidden'), { statusCode: 403, code: 'FST_STATIC_FORBIDDEN_PATH' }))).toMatchObject({ statusCode: 403, code: 'FORBIDDEN' });
  });

  it('maps refusals made before routing (router, HTTP parser) to 4xx envelopes that name the part', () => {
    const fastifyError = (code: string, statusCode: number) => Object.assign(new Error(`'/v1/products/%ff' is not a valid url component`), { code, statusCode });
    expect(toErrorEnvelope(fastifyError('FST_ERR_BAD_URL', 400))).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED', details: [{ field: 'url' }] });
    expect(toErrorEnvelope(fastifyError('FST_ERR_MAX_PARAM_LENGTH', 414))).toMatchObject({ statusCode: 414, details: [{ field: 'params' }] });
    const parserError = (code: string) => Object.assign(new Error('Parse Error: Invalid method encountered'), { code });
    expect(toClientErrorEnvelope(parserError('HPE_INVALID_METHOD'))).toMatchObject({ statusCode: 400, details: [{ field: 'request', message: 'HPE_INVALID_METHOD' }] });
    expect(toClientErrorEnvelope(parserError('HPE_HEADER_OVERFLOW'))).toMatchObject({ statusCode: 431, details: [{ field: 'headers' }] });
    expect(toClientErrorEnvelope(parserError('ERR_HTTP_REQUEST_TIMEOUT'))).toMatchObject({ statusCode: 408, code: 'TIMEOUT' });
    expect(toClientErrorEnvelope(new Error('anything else')).statusCode).toBe(400);
  });

  it('clips echoed field names and messages to the envelope limits', () => {
    const envelope = toErrorEnvelope(
      Object.assign(new Error('x'), { validation: [{ instancePath: '', keyword: 'additionalProperties', params: { additionalProperty: 'k'.repeat(3_000) } }], validationContext: 'body' }),
    );
    expect(envelope.details?.[0]?.field).toHaveLength(200);
    expect(envelope.message.length).toBeLessThanOrEqual(2_000);
  });
});
