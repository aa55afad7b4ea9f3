/// <reference types="node" />
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import {
  REALTIME_TOKEN_CLOCK_SKEW_S,
  REALTIME_TOKEN_DEFAULT_LIFETIME_S,
  REALTIME_TOKEN_KEY_MIN_BYTES,
  REALTIME_TOKEN_MAX_LENGTH,
  REALTIME_TOKEN_MAX_LIFETIME_S,
  REALTIME_TOKEN_VERSION,
  RealtimeTokenClaimsSchema,
  type RealtimeTokenClaims,
  type RealtimeTokenFailure,
} from './realtime-token.js';

/*
 * Signing and verifying realtime tokens (the format is in realtime-token.ts), and the key ring both apps
 * read from REALTIME_TOKEN_KEYS. HMAC-SHA256 from node:crypto, compared with timingSafeEqual; no I/O.
 */

const KID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** One key of the ring: `kid` names it inside tokens; `secret` is its raw bytes. */
export interface RealtimeTokenKey {
  kid: string;
  secret: Uint8Array;
}

/** Every key verifies; the first one signs. */
export interface RealtimeTokenKeyRing {
  signing: RealtimeTokenKey;
  keys: ReadonlyMap<string, Uint8Array>;
}

export class RealtimeTokenKeyError extends Error {
  override name = 'RealtimeTokenKeyError';
}

/**
 * Tells a key from a typo or a placeholder: 32 bytes of a CSPRNG hold ~30 distinct values (fewer than 16
 * has odds below 1e-20), while `aaaa…`, `0000…`, a repeated word or a short password padded out do not.
 */
function looksRandom(secret: Uint8Array): boolean {
  return new Set(secret).size >= 16;
}

function decodeSecret(kid: string, text: string): Uint8Array {
  const unpadded = text.replace(/={1,2}$/, '');
  const standard = unpadded.replace(/-/g, '+').replace(/_/g, '/');
  const bytes = Buffer.from(standard, 'base64');
  if (!/^[A-Za-z0-9+/]+$/.test(standard) || bytes.toString('base64').replace(/=+$/, '') !== standard) {
    throw new RealtimeTokenKeyError(`key ${kid}: the secret is not base64`);
  }
  if (bytes.length < REALTIME_TOKEN_KEY_MIN_BYTES) {
    throw new RealtimeTokenKeyError(`key ${kid}: the secret is ${bytes.length} bytes; it needs ${REALTIME_TOKEN_KEY_MIN_BYTES} or more (openssl rand -base64 32)`);
  }
  if (!looksRandom(bytes)) throw new RealtimeTokenKeyError(`key ${kid}: the secret does not look random (too few distinct bytes); generate one with openssl rand -base64 32`);
  return new Uint8Array(bytes);
}

/**
 * Reads a key ring written `kid:base64secret,kid:base64secret…` (whitespace around entries ignored), as
 * `REALTIME_TOKEN_KEYS` holds it. Throws RealtimeTokenKeyError naming the first bad entry, never its secret.
 */
export function parseRealtimeTokenKeys(text: string): RealtimeTokenKeyRing {
  const entries = text.split(',').map((entry) => entry.trim());
  if (entries.every((entry) => entry === '')) throw new RealtimeTokenKeyError('no key given; expected kid:base64secret[,kid:base64secret…]');
  const keys = new Map<string, Uint8Array>();
  let signing: RealtimeTokenKey | undefined;
  for (const [index, entry] of entries.entries()) {
    const colon = entry.indexOf(':');
    const kid = colon === -1 ? '' : entry.slice(0, colon);
    if (!KID_PATTERN.test(kid)) {
      throw new RealtimeTokenKeyError(`entry ${index + 1}: expected kid:base64secret with a kid of 1-32 characters from A-Z a-z 0-9 _ -`);
    }
    if (keys.has(kid)) throw new RealtimeTokenKeyError(`key ${kid} is listed twice`);
    const secret = decodeSecret(kid, entry.slice(colon + 1));
    keys.set(kid, secret);
    signing ??= { kid, secret };
  }
  return { signing: signing!, keys };
}

/** A zod schema for the env variable: the ring, or one issue naming what is wrong with it. */
export const RealtimeTokenKeysSchema = z.string().transform((text, ctx) => {
  try {
    return parseRealtimeTokenKeys(text);
  } catch (error) {
    if (!(error instanceof RealtimeTokenKeyError)) throw error;
    ctx.addIssue({ code: 'custom', message: error.message });
    return z.NEVER;
  }
});

/**
 * The key ring used when none is configured under NODE_ENV=development or test. It is public (it is
 * right here), so both apps refuse it under any other NODE_ENV.
 */
export const DEV_REALTIME_TOKEN_KEYS = 'dev:ZGV2ZWxvcG1lbnQtb25seSByZWFsdGltZSB0b2tlbiBrZXk6IDAxMjM0NTY3ODk';

function sign(secret: Uint8Array, signed: string): Buffer {
  return createHmac('sha256', secret).update(signed, 'ascii').digest();
}

/** Signs `claims` with the ring's signing key. The claims are checked first: a bad one throws. */
export function signRealtimeToken(ring: RealtimeTokenKeyRing, claims: RealtimeTokenClaims): string {
  const valid = RealtimeTokenClaimsSchema.parse(claims);
  const payload = Buffer.from(JSON.stringify(valid)).toString('base64url');
  const signed = `${REALTIME_TOKEN_VERSION}.${ring.signing.kid}.${payload}`;
  return `${signed}.${sign(ring.signing.secret, signed).toString('base64url')}`;
}

export interface MintRealtimeTokenOptions {
  ring: RealtimeTokenKeyRing;
  subject: string;
  topics: readonly string[];
  nowMs: number;
  /** Seconds; at most REALTIME_TOKEN_MAX_LIFETIME_S. */
  lifetimeS?: number;
}

/** A token for `topics`, issued now, with when it stops being accepted. */
export function mintRealtimeToken(options: MintRealtimeTokenOptions): { token: string; expiresAt: Date; claims: RealtimeTokenClaims } {
  const lifetimeS = options.lifetimeS ?? REALTIME_TOKEN_DEFAULT_LIFETIME_S;
  if (!Number.isInteger(lifetimeS) || lifetimeS < 1 || lifetimeS > REALTIME_TOKEN_MAX_LIFETIME_S) {
    throw new RangeError(`a realtime token lives 1 to ${REALTIME_TOKEN_MAX_LIFETIME_S} seconds, not ${lifetimeS}`);
  }
  const iat = Math.floor(options.nowMs / 1_000);
  const claims: RealtimeTokenClaims = { sub: options.subject, topics: [...new Set(options.topics)], iat, exp: iat + lifetimeS };
  return { token: signRealtimeToken(options.ring, claims), expiresAt: new Date(claims.exp * 1_000), claims };
}

export type RealtimeTokenVerdict = { ok: true; claims: RealtimeTokenClaims } | { ok: false; reason: RealtimeTokenFailure };

export interface VerifyRealtimeTokenOptions {
  ring: RealtimeTokenKeyRing;
  token: string;
  nowMs: number;
}

/** Checks a token's signature, then its claims and times. Pure: no I/O, never throws. */
export function verifyRealtimeToken({ ring, token, nowMs }: VerifyRealtimeTokenOptions): RealtimeTokenVerdict {
  if (token.length > REALTIME_TOKEN_MAX_LENGTH) return { ok: false, reason: 'malformed' };
  const parts = token.split('.');
  if (parts.length !== 4) return { ok: false, reason: 'malformed' };
  const [version, kid, payload, signature] = parts as [string, string, string, string];
  if (version !== REALTIME_TOKEN_VERSION || !KID_PATTERN.test(kid) || !BASE64URL.test(payload) || !BASE64URL.test(signature)) {
    return { ok: false, reason: 'malformed' };
  }
  const secret = ring.keys.get(kid);
  if (secret === undefined) return { ok: false, reason: 'unknown_key' };
  const given = Buffer.from(signature, 'base64url');
  const expected = sign(secret, `${version}.${kid}.${payload}`);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'bad_signature' };

  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  const parsed = RealtimeTokenClaimsSchema.safeParse(decoded);
  if (!parsed.success) return { ok: false, reason: 'malformed' };
  const claims = parsed.data;
  const now = Math.floor(nowMs / 1_000);
  if (claims.exp <= claims.iat) return { ok: false, reason: 'malformed' };
  if (claims.exp - claims.iat > REALTIME_TOKEN_MAX_LIFETIME_S) return { ok: false, reason: 'too_long_lived' };
  if (claims.iat > now + REALTIME_TOKEN_CLOCK_SKEW_S) return { ok: false, reason: 'not_yet_valid' };
  if (now >= claims.exp) return { ok: false, reason: 'expired' };
  return { ok: true, claims };
}

/** Whether verified `claims` open `topic`. */
export function grantsTopic(claims: RealtimeTokenClaims, topic: string): boolean {
  return claims.topics.includes(topic);
}

const DEV_RING = parseRealtimeTokenKeys(DEV_REALTIME_TOKEN_KEYS);
const DEV_SECRET = Buffer.from(DEV_RING.signing.secret);

/**
 * The ring an app runs with, given what REALTIME_TOKEN_KEYS held (parsed, or undefined when unset) and its
 * NODE_ENV: the public development ring only under development or test, and never a ring holding the
 * development key elsewhere. `problem` says why the app must not start.
 */
export function resolveRealtimeTokenKeys(configured: RealtimeTokenKeyRing | undefined, nodeEnv: string): { ring: RealtimeTokenKeyRing } | { problem: string } {
  const relaxed = nodeEnv === 'development' || nodeEnv === 'test';
  if (configured === undefined) {
    return relaxed
      ? { ring: DEV_RING }
      : { problem: 'is required unless NODE_ENV is development or test: kid:base64secret[,kid:base64secret…], each secret 32+ random bytes (openssl rand -base64 32)' };
  }
  const holdsDevKey = [...configured.keys.values()].some((secret) => DEV_SECRET.equals(secret));
  if (holdsDevKey && !relaxed) return { problem: `must not hold the public development key when NODE_ENV=${nodeEnv}` };
  return { ring: configured };
}
