import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { ApiError, apiRequest, parseSeq } from './http';

const Schema = z.object({ ok: z.boolean() });

function respond(status: number, body: unknown, headers: Record<string, string> = {}) {
  const fetch = vi.fn(async () => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } }));
  vi.stubGlobal('fetch', fetch);
  return fetch;
}

async function failure(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof ApiError)) throw new Error(`expected an ApiError, got ${String(error)}`);
  return error;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('apiRequest', () => {
  it('returns the parsed body and the X-Event-Seq it is current to', async () => {
    const fetch = respond(200, { ok: true }, { 'x-event-seq': '42' });
    await expect(apiRequest('/v1/x', { schema: Schema })).resolves.toMatchObject({ data: { ok: true }, seq: 42 });
    expect(String((fetch.mock.calls[0] as unknown[])[0])).toBe('http://localhost:4000/v1/x');
  });

  it('maps the API error envelope to a typed error, field details included', async () => {
    respond(409, {
      statusCode: 409,
      error: 'Conflict',
      code: 'OUT_OF_STOCK',
      message: 'only 2 left',
      details: [{ field: 'body.items[0].quantity', message: 'only 2 left' }],
    });
    const error = await failure(apiRequest('/v1/orders', { method: 'POST', body: {}, schema: Schema }));
    expect(error).toMatchObject({ status: 409, code: 'OUT_OF_STOCK', message: 'only 2 left', retryable: false });
    expect(error.details).toHaveLength(1);
  });

  it('treats an unreachable API and 5xx answers as retryable', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new TypeError('fetch failed'))));
    expect(await failure(apiRequest('/v1/x', { schema: Schema }))).toMatchObject({ code: 'UNREACHABLE', retryable: true });
    respond(503, 'busy');
    expect(await failure(apiRequest('/v1/x', { schema: Schema }))).toMatchObject({ status: 503, code: 'INTERNAL', retryable: true });
  });

  it("carries a 429's Retry-After seconds", async () => {
    respond(429, { statusCode: 429, error: 'Too Many Requests', code: 'RATE_LIMITED', message: 'Too many requests; retry in 42 s' }, { 'retry-after': '42' });
    expect(await failure(apiRequest('/v1/auth/login', { method: 'POST', body: {}, schema: Schema }))).toMatchObject({ status: 429, retryAfterSeconds: 42 });
  });

  it('accepts an empty 204 answer', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response(null, { status: 204 })));
    await expect(apiRequest('/v1/auth/logout', { method: 'POST', schema: z.null() })).resolves.toMatchObject({ data: null });
  });

  it('refuses a body that breaks the contract instead of rendering it', async () => {
    respond(200, { ok: 'yes' });
    expect(await failure(apiRequest('/v1/x', { schema: Schema }))).toMatchObject({ code: 'BAD_RESPONSE' });
  });
});

describe('parseSeq', () => {
  it('reads a non-negative integer header and nothing else', () => {
    expect(parseSeq('0')).toBe(0);
    expect(parseSeq('9007199254740991')).toBe(9007199254740991);
    expect(parseSeq(null)).toBeNull();
    expect(parseSeq('-1')).toBeNull();
    expect(parseSeq('1e3')).toBeNull();
    expect(parseSeq('99999999999999999')).toBeNull();
  });
});
