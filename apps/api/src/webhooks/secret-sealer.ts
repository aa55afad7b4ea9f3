import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { parseKeyRing } from '../auth/key-ring.js';

/**
 * Webhook signing secrets at rest. Signing needs the secret itself (HMAC), so it cannot be hashed like a
 * password; it is sealed instead (AES-256-GCM, Node's OpenSSL) under a key the database never holds
 * (WEBHOOK_SECRET_KEYS), bound to its endpoint (the endpoint id is the additional authenticated data, so a
 * sealed secret copied to another row does not open). A dump or a read-only leak of the database then
 * yields no secret that could forge a delivery.
 *
 * Sealed form: `sealed1.<key id>.<12-byte IV>.<ciphertext>.<16-byte tag>` (base64url parts). The key id
 * says which key of the ring sealed it, so keys rotate: a new key goes first in the ring, every api re-seals
 * the rows under it when it starts (see reseal-webhook-secrets.ts), then the old key can be dropped.
 */

export interface SealingKey {
  id: string;
  key: Buffer;
}

const VERSION = 'sealed1';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Secrets stored before sealing existed: opened as they are, and re-sealed at the next start. */
const PLAIN_PREFIX = 'whsec_';

/**
 * Reads WEBHOOK_SECRET_KEYS: `<id>:<32 random bytes, base64>` pairs, comma-separated, the sealing key
 * first. Errors name the position of a bad entry, never its key.
 */
export function parseSealingKeys(value: string): SealingKey[] {
  return parseKeyRing(value, (encoded, where) => {
    const key = Buffer.from(encoded, 'base64');
    if (key.length !== KEY_BYTES || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(encoded)) {
      throw new Error(`${where} needs exactly ${KEY_BYTES} random bytes in base64, e.g. from \`openssl rand -base64 32\``);
    }
    return key;
  });
}

export interface SecretSealer {
  /** `secret` sealed under the ring's first key, for the endpoint `endpointId`. */
  seal(secret: string, endpointId: string): string;
  /** The secret `stored` holds for `endpointId`; throws if it was sealed by a key not in the ring, for another endpoint, or altered. */
  open(stored: string, endpointId: string): string;
  /** Whether `stored` is already sealed under the ring's first key (nothing to re-seal). */
  isCurrent(stored: string): boolean;
}

function aad(endpointId: string): Buffer {
  return Buffer.from(`livecart webhook secret|${endpointId}`);
}

export function createSecretSealer(keys: readonly SealingKey[]): SecretSealer {
  const current = keys[0];
  if (current === undefined) throw new Error('the webhook secret key ring is empty');
  const byId = new Map(keys.map((key) => [key.id, key]));
  return {
    seal(secret, endpointId) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', current.key, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(aad(endpointId));
      const sealed = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
      return [VERSION, current.id, iv.toString('base64url'), sealed.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
    },
    open(stored, endpointId) {
      if (stored.startsWith(PLAIN_PREFIX)) return stored;
      const parts = stored.split('.');
      if (parts.length !== 5 || parts[0] !== VERSION) throw new Error(`the secret of webhook endpoint ${endpointId} is not in a known sealed form`);
      const [, keyId, iv, sealed, tag] = parts as [string, string, string, string, string];
      const key = byId.get(keyId);
      if (key === undefined) throw new Error(`the secret of webhook endpoint ${endpointId} was sealed by key "${keyId}", which WEBHOOK_SECRET_KEYS no longer holds`);
      try {
        const decipher = createDecipheriv('aes-256-gcm', key.key, Buffer.from(iv, 'base64url'), { authTagLength: TAG_BYTES });
        decipher.setAAD(aad(endpointId));
        decipher.setAuthTag(Buffer.from(tag, 'base64url'));
        return Buffer.concat([decipher.update(Buffer.from(sealed, 'base64url')), decipher.final()]).toString('utf8');
      } catch {
        throw new Error(`the secret of webhook endpoint ${endpointId} does not open with key "${keyId}": altered, or sealed for another endpoint`);
      }
    },
    isCurrent(stored) {
      return stored.startsWith(`${VERSION}.${current.id}.`);
    },
  };
}
