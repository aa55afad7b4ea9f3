import createClient, { type Client, type HeadersOptions } from 'openapi-fetch';
import type { components, operations, paths } from './generated/openapi.js';

export type { components, operations, paths };

/** The body of every refusal the API answers (4xx and 5xx): `{ statusCode, error, code, message, details? }`. */
export type ApiErrorEnvelope = components['schemas']['ErrorEnvelope'];
export type ApiErrorCode = components['schemas']['ErrorCode'];

export interface LivecartClientOptions {
  /** Where the API is reached, e.g. `https://api.example.com` (a trailing slash is ignored). */
  baseUrl: string;
  /** Default: the global fetch. */
  fetch?: (request: Request) => Promise<Response>;
  /** Sent with every request, e.g. `{ authorization: 'Bearer lck_…' }`. */
  headers?: HeadersOptions;
}

/**
 * openapi-fetch's client over the API's paths: `client.GET('/v1/products/{id}', { params: { path: { id } } })`
 * answers `{ data, error, response }`, with `data` typed by the operation's 2xx answer and `error` by its
 * refusals (the error envelope).
 */
export type LivecartClient = Client<paths, 'application/json'>;

export function createLivecartClient(options: LivecartClientOptions): LivecartClient {
  return createClient<paths, 'application/json'>({
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
    ...(options.headers === undefined ? {} : { headers: options.headers }),
  });
}

/** Thrown by `unwrap` for an answer that is not a 2xx; `envelope` is the API's error body when it sent one. */
export class LivecartApiError extends Error {
  readonly status: number;
  readonly envelope: ApiErrorEnvelope | undefined;

  constructor(status: number, envelope: ApiErrorEnvelope | undefined) {
    super(envelope === undefined ? `the API answered ${status}` : `${envelope.code}: ${envelope.message}`);
    this.name = 'LivecartApiError';
    this.status = status;
    this.envelope = envelope;
  }
}

function isEnvelope(value: unknown): value is ApiErrorEnvelope {
  return typeof value === 'object' && value !== null && typeof (value as { code?: unknown }).code === 'string' && typeof (value as { message?: unknown }).message === 'string';
}

/** The data of a 2xx answer, or a LivecartApiError carrying the envelope. */
export function unwrap<Data>(result: { data?: Data; error?: unknown; response: Response }): Data {
  if (result.response.ok) return result.data as Data;
  throw new LivecartApiError(result.response.status, isEnvelope(result.error) ? result.error : undefined);
}
