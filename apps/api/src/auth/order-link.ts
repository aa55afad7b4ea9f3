import { createHmac, timingSafeEqual } from 'node:crypto';
import { parseKeyRing } from './key-ring.js';

/** One key of the order-link key ring: its id (carried in every token it signs) and its secret. */
export interface LinkKey {
  id: string;
  secret: string;
}

const MIN_SECRET_LENGTH = 32;
const VERSION = 'ol1';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Reads ORDER_LINK_KEYS: `<id>:<secret>` pairs, comma-separated, the signing key first. Errors name the
 * position of a bad entry, never its secret.
 */
export function parseLinkKeys(value: string): LinkKey[] {
  return parseKeyRing(value, (secret, where) => {
    if (secret.length < MIN_SECRET_LENGTH) throw new Error(`${where} needs a secret of at least ${MIN_SECRET_LENGTH} characters`);
    return secret;
  }).map(({ id, key }) => ({ id, secret: key }));
}

export interface OrderLinkOptions {
  /** The signing key first; every key is accepted when verifying. */
  keys: readonly LinkKey[];
  ttlS: number;
  now?: () => number;
}

export interface OrderLink {
  /**
   * A token for `orderId`, valid until `expiresAt`: `ttlS` after `issuedAt` (now by default). Minting from a
   * fixed instant (the order's placement) gives the same token every time, so a replayed answer is the
   * answer.
   */
  mint(orderId: string, issuedAt?: Date): { token: string; expiresAt: Date };
  /** The order a token was minted for, if it is well formed, signed by a key of the ring and not expired. */
  verify(token: string): string | undefined;
}

function sign(secret: string, payload: string): Buffer {
  return createHmac('sha256', secret).update(payload).digest();
}

/**
 * Signed order links: `ol1.<key id>.<order id>.<expiry, unix seconds>.<HMAC-SHA256, base64url>`. The key id
 * says which key of the ring signed it, so a rotated-out key keeps verifying the links it signed until they
 * expire (or until it is dropped from ORDER_LINK_KEYS, which revokes them all).
 */
export function createOrderLink(options: OrderLinkOptions): OrderLink {
  const now = options.now ?? Date.now;
  const signing = options.keys[0];
  if (signing === undefined) throw new Error('the order-link key ring is empty');
  const byId = new Map(options.keys.map((key) => [key.id, key]));
  return {
    mint(orderId, issuedAt) {
      const expiresS = Math.floor((issuedAt?.getTime() ?? now()) / 1_000) + options.ttlS;
      const payload = `${VERSION}.${signing.id}.${orderId}.${expiresS}`;
      return { token: `${payload}.${sign(signing.secret, payload).toString('base64url')}`, expiresAt: new Date(expiresS * 1_000) };
    },
    verify(token) {
      const parts = token.split('.');
      if (parts.length !== 5) return undefined;
      const [version, keyId, orderId, expires, signature] = parts as [string, string, string, string, string];
      if (version !== VERSION || !UUID.test(orderId) || !/^\d{1,12}$/.test(expires)) return undefined;
      const key = byId.get(keyId);
      if (key === undefined) return undefined;
      const expected = sign(key.secret, `${version}.${keyId}.${orderId}.${expires}`);
      const given = Buffer.from(signature, 'base64url');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
      if (Number(expires) * 1_000 <= now()) return undefined;
      return orderId;
    },
  };
}
