import { createHmac, timingSafeEqual } from 'node:crypto';
import { BadRequestError, UnauthorizedError } from '../../domain/errors.js';
import type { VerifiedWebhook, WebhookDelivery } from './provider.js';

/**
 * Standard Webhooks signatures: HMAC-SHA256 over `<webhook-id>.<webhook-timestamp>.<body>`, sent as
 * `webhook-signature: v1,<base64>` (several, space-separated, while a secret rotates). A secret written
 * `whsec_<base64>` is those bytes; any other is its UTF-8 bytes.
 */
export interface WebhookSignatureOptions {
  secret: string;
  /** A delivery signed longer ago (or further ahead) than this is refused: a replay, or a wrong clock. */
  toleranceS: number;
  now?: () => number;
}

function keyOf(secret: string): Buffer {
  return secret.startsWith('whsec_') ? Buffer.from(secret.slice('whsec_'.length), 'base64') : Buffer.from(secret, 'utf8');
}

function header(headers: WebhookDelivery['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? undefined : value;
}

export function createWebhookSignature(options: WebhookSignatureOptions) {
  const key = keyOf(options.secret);
  const now = options.now ?? Date.now;
  const mac = (id: string, timestamp: string, body: Buffer) => createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest();

  return {
    /** The three headers a delivery of `body` carries. */
    sign(id: string, body: Buffer, timestampS = Math.floor(now() / 1_000)): Record<string, string> {
      const timestamp = String(timestampS);
      return { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': `v1,${mac(id, timestamp, body).toString('base64')}` };
    },

    /**
     * The delivery's id and parsed body, if it is signed with the secret, recently, over these exact bytes.
     * Missing or malformed headers are a 400; a wrong, stale or future-dated signature a 401.
     */
    verify(delivery: WebhookDelivery): VerifiedWebhook {
      const id = header(delivery.headers, 'webhook-id');
      const timestamp = header(delivery.headers, 'webhook-timestamp');
      const signatures = header(delivery.headers, 'webhook-signature');
      const missing = [
        ['webhook-id', id],
        ['webhook-timestamp', timestamp],
        ['webhook-signature', signatures],
      ].filter(([, value]) => value === undefined || value === '');
      if (missing.length > 0) {
        throw new BadRequestError('a webhook needs the webhook-id, webhook-timestamp and webhook-signature headers', missing.map(([name]) => ({ field: `headers.${name}`, message: 'is required' })));
      }
      if (!/^\d{1,12}$/.test(timestamp as string)) throw new BadRequestError('webhook-timestamp must be whole seconds since the epoch', [{ field: 'headers.webhook-timestamp', message: 'is not a number of seconds' }]);
      const ageS = Math.abs(now() / 1_000 - Number(timestamp));
      if (ageS > options.toleranceS) throw new UnauthorizedError('the webhook signature is too old (or dated in the future)');
      const expected = mac(id as string, timestamp as string, delivery.rawBody);
      const matches = (signatures as string).split(' ').some((entry) => {
        const [version, value] = entry.split(',', 2);
        if (version !== 'v1' || value === undefined) return false;
        const given = Buffer.from(value, 'base64');
        return given.length === expected.length && timingSafeEqual(given, expected);
      });
      if (!matches) throw new UnauthorizedError('the webhook signature does not match');
      let body: unknown;
      try {
        body = JSON.parse(delivery.rawBody.toString('utf8'));
      } catch {
        throw new BadRequestError('the webhook body is not JSON', [{ field: 'body', message: 'is not JSON' }]);
      }
      return { deliveryId: id as string, body };
    },
  };
}

export type WebhookSignature = ReturnType<typeof createWebhookSignature>;
