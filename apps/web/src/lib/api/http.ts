import 'server-only';
import { type ErrorCode, ErrorEnvelopeSchema, type ErrorDetail } from '@livecart/schemas/errors';
import { io } from 'next/cache';
import type { z } from 'zod';
import { env } from '@/env';

/** Why a call to the API failed: the API's own code, or what went wrong on the way. */
export type ApiFailure = ErrorCode | 'UNREACHABLE' | 'BAD_RESPONSE';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiFailure,
    message: string,
    readonly details: ErrorDetail[] = [],
    /** From `Retry-After` (seconds) on a 429 or 503, when the API said. */
    readonly retryAfterSeconds: number | null = null,
    /** The answer's JSON body, for a refusal that carries more than the envelope (a checkout's current cart). */
    readonly body: unknown = undefined,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The outcome is unknown (network, timeout, 5xx): the same request may be retried. */
  get retryable(): boolean {
    return this.code === 'UNREACHABLE' || this.code === 'TIMEOUT' || this.status >= 500 || this.status === 429;
  }
}

export interface ApiResponse<T> {
  data: T;
  /** `X-Event-Seq`: the data is at least as new as this event; null if the API did not say. */
  seq: number | null;
  /** `X-Event-Epoch`: the event history `seq` belongs to; null if the API did not say. */
  epoch: string | null;
  headers: Headers;
}

export interface ApiRequest<S extends z.ZodType> {
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  body?: unknown;
  headers?: Record<string, string>;
  schema: S;
}

/** One call to apps/api: JSON in, schema-checked JSON out, every failure an ApiError. */
export async function apiRequest<S extends z.ZodType>(path: string, request: ApiRequest<S>): Promise<ApiResponse<z.output<S>>> {
  // A call to the API is request-time I/O. Said before the fetch, because Node's fetch reads the wall
  // clock when a response body ends, and a render that has not said so yet (partial prefetching
  // prerenders what follows `await searchParams`) reports that as `Date.now()` while prerendering.
  // Inside 'use cache', server actions and route handlers this resolves at once.
  await io();
  const headers: Record<string, string> = { accept: 'application/json', ...request.headers };
  if (request.body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(new URL(path, env.API_URL), {
      method: request.method ?? 'GET',
      headers,
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
      cache: 'no-store',
      signal: AbortSignal.timeout(env.API_TIMEOUT_MS),
    });
  } catch (error) {
    // Aborted by Next.js itself (a render it no longer needs): not an API problem, let it pass through.
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    const timedOut = error instanceof DOMException && error.name === 'TimeoutError';
    throw new ApiError(0, timedOut ? 'TIMEOUT' : 'UNREACHABLE', timedOut ? 'The catalog service took too long to answer.' : 'The catalog service cannot be reached.');
  }
  const json: unknown = response.status === 204 ? null : await response.json().catch(() => undefined);
  if (!response.ok) throw toApiError(response.status, json, parseRetryAfter(response.headers.get('retry-after')));
  const parsed = request.schema.safeParse(json);
  if (!parsed.success) throw new ApiError(response.status, 'BAD_RESPONSE', `Unexpected response from ${path}.`);
  return { data: parsed.data, seq: parseSeq(response.headers.get('x-event-seq')), epoch: parseEpoch(response.headers.get('x-event-epoch')), headers: response.headers };
}

function toApiError(status: number, body: unknown, retryAfterSeconds: number | null): ApiError {
  const envelope = ErrorEnvelopeSchema.safeParse(body);
  if (envelope.success) {
    const { code, message, details } = envelope.data;
    return new ApiError(status, code, message, details, retryAfterSeconds, body);
  }
  return new ApiError(status, status >= 500 ? 'INTERNAL' : 'BAD_RESPONSE', `The catalog service answered ${status}.`, [], retryAfterSeconds);
}

/** Delay-seconds only: the API never sends an HTTP date. */
function parseRetryAfter(value: string | null): number | null {
  return value !== null && /^\d{1,9}$/.test(value) ? Number(value) : null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function parseEpoch(value: string | null): string | null {
  return value !== null && UUID.test(value) ? value : null;
}

export function parseSeq(value: string | null): number | null {
  if (value === null || !/^\d{1,16}$/.test(value)) return null;
  const seq = Number(value);
  return Number.isSafeInteger(seq) ? seq : null;
}
