import { createHmac, timingSafeEqual } from 'node:crypto';
import { PublishedEventSchema, type PublishedEvent } from '@livecart/schemas/events';
import { WebhookBatchSchema, WebhookResetSchema, type WebhookBatch, type WebhookReset } from '@livecart/schemas/webhook';

/*
 * A receiver's side of livecart's webhooks (Standard Webhooks): each delivery is signed with HMAC-SHA256
 * over `<webhook-id>.<webhook-timestamp>.<raw body>`, sent as `webhook-signature: v1,<base64>` (several,
 * space-separated, while the endpoint's secret rotates). Node only (node:crypto).
 */

/**
 * What a verified delivery carries: an event as the live stream publishes it, a reset notice, or (for an
 * endpoint with `maxBatchSize` above 1) a `webhook.batch` of consecutive events in seq order.
 */
export type WebhookMessage = PublishedEvent | WebhookReset | WebhookBatch;

export type WebhookHeaders = Headers | Readonly<Record<string, string | readonly string[] | undefined>>;

export interface VerifyWebhookOptions {
  /** The endpoint's signing secret as the API showed it (`whsec_<base64>`); any other string is used as its UTF-8 bytes. */
  secret: string;
  headers: WebhookHeaders;
  /** The body exactly as received: the signature covers these bytes, not a re-serialized object. */
  body: string | Uint8Array;
  /** How far (seconds) the signing time may be from now, either way; default 300. */
  toleranceS?: number;
  /**
   * Whether this `webhook-id` was processed already: every attempt and replay of one delivery carries the
   * same id, so a receiver that remembers ids refuses a replayed message. Called only once the signature holds.
   */
  seen?: (webhookId: string) => boolean | Promise<boolean>;
  /** Milliseconds since the epoch; default Date.now. */
  now?: () => number;
}

export interface VerifiedWebhook {
  /** `webhook-id`: de-duplicate by it. */
  id: string;
  /** `webhook-timestamp`, seconds since the epoch. */
  timestamp: number;
  message: WebhookMessage;
}

export type WebhookRefusal = 'missing_header' | 'bad_timestamp' | 'stale' | 'bad_signature' | 'replayed' | 'bad_payload';

/** A delivery that must not be trusted; answer it with a 4xx (`reason` says which check failed). */
export class WebhookVerificationError extends Error {
  readonly reason: WebhookRefusal;

  constructor(reason: WebhookRefusal, message: string) {
    super(message);
    this.name = 'WebhookVerificationError';
    this.reason = reason;
  }
}

const DEFAULT_TOLERANCE_S = 300;

function headerOf(headers: WebhookHeaders, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const key = Object.keys(headers).find((candidate) => candidate.toLowerCase() === name);
  const value = key === undefined ? undefined : headers[key];
  // A repeated header is ambiguous: which one was signed is unknown.
  return typeof value === 'string' ? value : undefined;
}

function keyOf(secret: string): Buffer {
  return secret.startsWith('whsec_') ? Buffer.from(secret.slice('whsec_'.length), 'base64') : Buffer.from(secret, 'utf8');
}

/** Checks a delivery's signature, age and (when `seen` is given) novelty, then parses its body. */
export async function verifyWebhook(options: VerifyWebhookOptions): Promise<VerifiedWebhook> {
  const id = headerOf(options.headers, 'webhook-id');
  const timestamp = headerOf(options.headers, 'webhook-timestamp');
  const signatures = headerOf(options.headers, 'webhook-signature');
  if (!id || !timestamp || !signatures) {
    throw new WebhookVerificationError('missing_header', 'a delivery needs one webhook-id, webhook-timestamp and webhook-signature header each');
  }
  if (!/^\d{1,12}$/.test(timestamp)) throw new WebhookVerificationError('bad_timestamp', 'webhook-timestamp must be whole seconds since the epoch');
  const timestampS = Number(timestamp);
  const nowS = (options.now ?? Date.now)() / 1_000;
  if (Math.abs(nowS - timestampS) > (options.toleranceS ?? DEFAULT_TOLERANCE_S)) {
    throw new WebhookVerificationError('stale', 'the delivery was signed too long ago (or is dated in the future)');
  }

  const body = typeof options.body === 'string' ? Buffer.from(options.body, 'utf8') : Buffer.from(options.body.buffer, options.body.byteOffset, options.body.byteLength);
  const expected = createHmac('sha256', keyOf(options.secret)).update(`${id}.${timestamp}.`).update(body).digest();
  const matches = signatures.split(' ').some((entry) => {
    const comma = entry.indexOf(',');
    if (comma < 0 || entry.slice(0, comma) !== 'v1') return false;
    const given = Buffer.from(entry.slice(comma + 1), 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  if (!matches) throw new WebhookVerificationError('bad_signature', 'no signature matches the secret');
  if (options.seen !== undefined && (await options.seen(id))) throw new WebhookVerificationError('replayed', `delivery ${id} was received before`);

  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    throw new WebhookVerificationError('bad_payload', 'the body is not JSON');
  }
  const event = PublishedEventSchema.safeParse(json);
  if (event.success) return { id, timestamp: timestampS, message: event.data };
  const reset = WebhookResetSchema.safeParse(json);
  if (reset.success) return { id, timestamp: timestampS, message: reset.data };
  const batch = WebhookBatchSchema.safeParse(json);
  if (batch.success) return { id, timestamp: timestampS, message: batch.data };
  // Signed by the API, yet unknown here: a type added after this version of @livecart/schemas.
  throw new WebhookVerificationError('bad_payload', `the body is no event this version knows: ${event.error.issues[0]?.message ?? 'invalid'}`);
}
