import { SHOPPER_SESSION_COOKIE, type JsonSchema } from '@livecart/schemas';
import { SESSION_COOKIE } from '../auth/session-cookie.js';
import type { REQUEST_HEADERS, RESPONSE_HEADERS } from './route-docs.js';

const ENVELOPE = { $ref: '#/components/schemas/ErrorEnvelope' };
const ENTITY_TAG = { type: 'string', pattern: '^"[0-9]+"$', examples: ['"7"'] };

export const headerComponents: Record<(typeof RESPONSE_HEADERS)[keyof typeof RESPONSE_HEADERS], JsonSchema> = {
  ETag: { description: 'The strong entity tag of the product: its `version` in quotes.', schema: ENTITY_TAG },
  Location: { description: 'The URL path of the resource made (or found).', schema: { type: 'string', examples: ['/v1/products/0b6f2a1e-3c4d-4e5f-8a9b-0c1d2e3f4a5b'] } },
  'X-Event-Seq': {
    description: 'The highest event seq this instance had applied when it read the data (never newer than the data): subscribe to the realtime service with `since` set to it to miss nothing.',
    schema: { type: 'string', pattern: '^[0-9]+$', examples: ['4182'] },
  },
  'X-Event-Epoch': {
    description: 'The epoch X-Event-Seq belongs to (absent until the instance knows one): subscribe with it as `epoch`.',
    schema: { type: 'string', format: 'uuid' },
  },
  'Idempotent-Replayed': { description: 'Present (`true`) when the answer is the stored result of an earlier request with the same Idempotency-Key.', schema: { type: 'string', enum: ['true'] } },
  'Set-Cookie': { description: 'The session cookie, set when a session starts and cleared (expired) when it ends. httpOnly, SameSite=Lax, Secure over HTTPS.', schema: { type: 'string' } },
  'Retry-After': { description: 'Seconds to wait before trying again.', schema: { type: 'integer', minimum: 0 } },
  'WWW-Authenticate': { description: 'The credential the operation needs.', schema: { type: 'string' } },
  RateLimit: {
    description:
      'What this client has left under each policy that counted the request, e.g. `"read";r=1187;t=42`: 1187 requests for the next 42 s (IETF draft-ietf-httpapi-ratelimit-headers, a structured-field list).',
    schema: { type: 'string' },
  },
  'RateLimit-Policy': { description: 'The policies that counted the request, e.g. `"read";q=1200;w=60`: 1200 requests per 60 s window, per client address.', schema: { type: 'string' } },
  'Preference-Applied': { description: '`last-writer-wins` when the write went through without a precondition at the client\'s request (`Prefer`).', schema: { type: 'string', enum: ['last-writer-wins'] } },
};

export const parameterComponents: Record<(typeof REQUEST_HEADERS)[keyof typeof REQUEST_HEADERS], JsonSchema> = {
  IfNoneMatch: {
    name: 'if-none-match',
    in: 'header',
    required: false,
    description: 'An entity tag from an earlier answer (or `*`, or a list): when it still matches, the answer is 304 without a body.',
    schema: { type: 'string', maxLength: 1024, examples: ['"7"'] },
  },
};

export const headerRef = (name: keyof typeof headerComponents) => ({ $ref: `#/components/headers/${name}` });

/** On every answer of a rate-limited operation (each one under /v1), refusals included. */
export const RATE_LIMIT_HEADERS = ['RateLimit', 'RateLimit-Policy'] as const;

interface Refusal {
  name: string;
  description: string;
  headers?: (keyof typeof headerComponents)[];
}

/** The refusal each status stands for, as a named response carrying the error envelope. */
export const REFUSALS: Record<number, Refusal> = {
  400: { name: 'BadRequest', description: 'The request is malformed (an HTTP/1.1 request without Host, a bad header) or fails validation; `details` names each bad field.' },
  401: { name: 'Unauthorized', description: 'No credential, or an expired or revoked one.', headers: ['WWW-Authenticate'] },
  402: { name: 'PaymentRequired', description: 'The payment was declined (`PAYMENT_DECLINED`).' },
  403: { name: 'Forbidden', description: 'The credential lacks the role or scope the operation needs, or the API key is unknown or revoked.' },
  404: { name: 'NotFound', description: 'No such resource, or one the caller may not see.' },
  409: { name: 'Conflict', description: 'The request conflicts with the current state (`code` says how).' },
  412: { name: 'PreconditionFailed', description: 'Precondition Failed (`VERSION_MISMATCH`): the current version is not one that If-Match (strongly) or `body.version` names; nothing changed.' },
  413: { name: 'PayloadTooLarge', description: 'The body is larger than the API accepts.' },
  415: { name: 'UnsupportedMediaType', description: 'The body is not `application/json`.' },
  422: { name: 'UnprocessableContent', description: 'The request is well formed but breaks a business rule; `details` names the field.' },
  428: { name: 'PreconditionRequired', description: 'Precondition Required (`PRECONDITION_REQUIRED`): no If-Match, no `body.version` and no `Prefer: last-writer-wins`; nothing changed.' },
  429: { name: 'TooManyRequests', description: 'Too Many Requests (`RATE_LIMITED`): over a limit; nothing was done. Retry-After and RateLimit say when to retry.', headers: ['Retry-After'] },
  500: { name: 'InternalError', description: 'An unexpected failure; nothing about it is disclosed.' },
  503: { name: 'ServiceUnavailable', description: 'A backing service (Postgres, Redis) is unavailable or did not answer in time: retry after `Retry-After` seconds.', headers: ['Retry-After'] },
};

const ERROR: Refusal = { name: 'Error', description: 'Any other error, as the error envelope.' };

function envelopeResponse(description: string, headers: readonly (keyof typeof headerComponents)[]): JsonSchema {
  return {
    description,
    ...(headers.length === 0 ? {} : { headers: Object.fromEntries(headers.map((header) => [header, headerRef(header)])) }),
    content: { 'application/json': { schema: ENVELOPE } },
  };
}

/** The named response of each refusal, and `Error` (any other status), as rate-limited operations answer them. */
export function responseComponents(): Record<string, JsonSchema> {
  const responses: Record<string, JsonSchema> = {};
  for (const { name, description, headers = [] } of Object.values(REFUSALS)) responses[name] = envelopeResponse(description, [...headers, ...RATE_LIMIT_HEADERS]);
  responses[ERROR.name] = envelopeResponse(ERROR.description, RATE_LIMIT_HEADERS);
  return responses;
}

/**
 * How an operation answers a refusal (`default`: any other error): the named response when the operation
 * is rate-limited (every answer carries the RateLimit fields), else the same response without them.
 */
export function refusalResponse(status: number | 'default', rateLimited: boolean): JsonSchema {
  const refusal = status === 'default' ? ERROR : REFUSALS[status];
  if (refusal === undefined) throw new Error(`no response is described for status ${status}`);
  if (rateLimited) return { $ref: `#/components/responses/${refusal.name}` };
  return envelopeResponse(refusal.description, refusal.headers ?? []);
}

export const securitySchemes = {
  staffSession: {
    type: 'apiKey',
    in: 'cookie',
    name: SESSION_COOKIE,
    description: 'A staff session from POST /v1/auth/login; the listed value is the least role the operation needs.',
  },
  shopperSession: {
    type: 'apiKey',
    in: 'cookie',
    name: SHOPPER_SESSION_COOKIE,
    description: 'A shopper session: a guest one starts with the first cart action (POST /v1/carts), a customer one at sign-in (POST /v1/customer-auth/login). Never a staff credential.',
  },
  apiKey: { type: 'http', scheme: 'bearer', description: 'An API key created by an admin; the listed value is the scope the operation needs.' },
  orderLink: {
    type: 'apiKey',
    in: 'header',
    name: 'Authorization',
    description: "An order's link token, returned once when the order is placed: `Authorization: Order <token>` (or `?token=<token>` in a link). Anyone else is answered 404.",
  },
} as const;
