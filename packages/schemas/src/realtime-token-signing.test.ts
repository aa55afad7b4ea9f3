import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { REALTIME_TOKEN_MAX_LIFETIME_S, RealtimeTokenClaimsSchema, type RealtimeTokenClaims } from './realtime-token.js';
import {
  DEV_REALTIME_TOKEN_KEYS,
  RealtimeTokenKeyError,
  RealtimeTokenKeysSchema,
  grantsTopic,
  mintRealtimeToken,
  parseRealtimeTokenKeys,
  resolveRealtimeTokenKeys,
  signRealtimeToken,
  verifyRealtimeToken,
} from './realtime-token-signing.js';
import { orderTopic } from './topics.js';

const secret = () => randomBytes(32).toString('base64');
const ring = parseRealtimeTokenKeys(`k2:${secret()},k1:${secret()}`);
const order = orderTopic('0b6f2a1e-3c4d-4e5f-8a9b-0c1d2e3f4a5b');
const otherOrder = orderTopic('11111111-2222-4333-8444-555555555555');
const NOW = Date.UTC(2030, 0, 1, 12);
const nowS = NOW / 1_000;

function mint(overrides: Partial<{ topics: string[]; nowMs: number; lifetimeS: number }> = {}) {
  return mintRealtimeToken({ ring, subject: 'user:7', topics: overrides.topics ?? [order], nowMs: overrides.nowMs ?? NOW, ...(overrides.lifetimeS === undefined ? {} : { lifetimeS: overrides.lifetimeS }) });
}

/** Signs arbitrary bytes as a payload with `key`, as a forger holding that key would. */
function signRaw(kid: string, key: Uint8Array, payloadJson: string): string {
  const signed = `v1.${kid}.${Buffer.from(payloadJson).toString('base64url')}`;
  return `${signed}.${createHmac('sha256', key).update(signed).digest('base64url')}`;
}

describe('realtime tokens', () => {
  it('verify when minted here: the claims come back, with the topics they grant', () => {
    const { token, expiresAt, claims } = mint();
    expect(token).toMatch(/^v1\.k2\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(expiresAt.getTime()).toBe(NOW + 300_000);
    const verdict = verifyRealtimeToken({ ring, token, nowMs: NOW + 1_000 });
    expect(verdict).toEqual({ ok: true, claims });
    expect(verdict.ok && grantsTopic(verdict.claims, order)).toBe(true);
  });

  it('grant only the topics they name (wrong topic)', () => {
    const verdict = verifyRealtimeToken({ ring, token: mint().token, nowMs: NOW });
    expect(verdict.ok && grantsTopic(verdict.claims, otherOrder)).toBe(false);
  });

  it('are signed by the first key and verified by any key of the ring', () => {
    const byFirst = mint().token;
    expect(byFirst.split('.')[1]).toBe('k2');
    const older = parseRealtimeTokenKeys(`k1:${Buffer.from(ring.keys.get('k1')!).toString('base64')}`);
    const bySecond = mintRealtimeToken({ ring: older, subject: 'user:7', topics: [order], nowMs: NOW }).token;
    expect(verifyRealtimeToken({ ring, token: bySecond, nowMs: NOW }).ok).toBe(true);
  });

  it('refuse a kid the ring does not hold (rotated out, or never there)', () => {
    const rotatedOut = parseRealtimeTokenKeys(`k0:${secret()}`);
    const token = mintRealtimeToken({ ring: rotatedOut, subject: 'user:7', topics: [order], nowMs: NOW }).token;
    expect(verifyRealtimeToken({ ring, token, nowMs: NOW })).toEqual({ ok: false, reason: 'unknown_key' });
  });

  it('refuse a forgery: valid claims signed with another secret under a known kid', () => {
    const claims: RealtimeTokenClaims = { sub: 'user:7', topics: [order], iat: nowS, exp: nowS + 60 };
    const forged = signRaw('k2', randomBytes(32), JSON.stringify(claims));
    expect(verifyRealtimeToken({ ring, token: forged, nowMs: NOW })).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('refuse a tampered payload (a topic added) and a tampered signature', () => {
    const [v, kid, payload, signature] = mint().token.split('.') as [string, string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as RealtimeTokenClaims;
    const widened = Buffer.from(JSON.stringify({ ...claims, topics: [order, otherOrder] })).toString('base64url');
    expect(verifyRealtimeToken({ ring, token: `${v}.${kid}.${widened}.${signature}`, nowMs: NOW })).toEqual({ ok: false, reason: 'bad_signature' });
    const flipped = (signature[0] === 'A' ? 'B' : 'A') + signature.slice(1);
    expect(verifyRealtimeToken({ ring, token: `${v}.${kid}.${payload}.${flipped}`, nowMs: NOW })).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifyRealtimeToken({ ring, token: `${v}.${kid}.${payload}.${signature.slice(0, -2)}`, nowMs: NOW })).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('refuse at and after their expiry second, and accept the second before', () => {
    const { token } = mint({ lifetimeS: 60 });
    expect(verifyRealtimeToken({ ring, token, nowMs: NOW + 59_999 }).ok).toBe(true);
    expect(verifyRealtimeToken({ ring, token, nowMs: NOW + 60_000 })).toEqual({ ok: false, reason: 'expired' });
    expect(verifyRealtimeToken({ ring, token, nowMs: NOW + 86_400_000 })).toEqual({ ok: false, reason: 'expired' });
  });

  it('refuse one issued in the future beyond the clock skew, or living longer than the maximum', () => {
    const future = mint({ nowMs: NOW + 120_000 }).token;
    expect(verifyRealtimeToken({ ring, token: future, nowMs: NOW })).toEqual({ ok: false, reason: 'not_yet_valid' });
    expect(verifyRealtimeToken({ ring, token: mint({ nowMs: NOW + 20_000 }).token, nowMs: NOW }).ok).toBe(true);
    const eternal = signRealtimeToken(ring, { sub: 'user:7', topics: [order], iat: nowS, exp: nowS + REALTIME_TOKEN_MAX_LIFETIME_S + 1 });
    expect(verifyRealtimeToken({ ring, token: eternal, nowMs: NOW })).toEqual({ ok: false, reason: 'too_long_lived' });
    expect(() => mint({ lifetimeS: REALTIME_TOKEN_MAX_LIFETIME_S + 1 })).toThrow(RangeError);
  });

  it.each([
    ['empty', ''],
    ['three parts', 'v1.k2.abc'],
    ['another version', 'v2.k2.abc.def'],
    ['a bad kid', 'v1.k 2.abc.def'],
    ['padding', 'v1.k2.abc=.def'],
    ['five parts', 'v1.k2.a.b.c'],
    ['too long', `v1.k2.${'a'.repeat(5_000)}.def`],
  ])('refuse a malformed token (%s)', (_name, token) => {
    expect(verifyRealtimeToken({ ring, token, nowMs: NOW })).toEqual({ ok: false, reason: 'malformed' });
  });

  it('refuse signed claims that break the schema (a public topic, an unknown field, not JSON)', () => {
    const key = ring.keys.get('k2')!;
    const base = { sub: 'user:7', iat: nowS, exp: nowS + 60 };
    for (const payload of [
      JSON.stringify({ ...base, topics: ['catalog'] }),
      JSON.stringify({ ...base, topics: [order], admin: true }),
      JSON.stringify({ ...base, topics: [order], exp: nowS }),
      '{"sub":',
    ]) {
      expect(verifyRealtimeToken({ ring, token: signRaw('k2', key, payload), nowMs: NOW })).toEqual({ ok: false, reason: 'malformed' });
    }
  });

  it('are not minted for public topics', () => {
    expect(() => mint({ topics: ['catalog'] })).toThrow();
    expect(RealtimeTokenClaimsSchema.safeParse({ sub: 'x', topics: [], iat: 1, exp: 2 }).success).toBe(false);
  });
});

describe('the key ring', () => {
  it('reads kid:base64 entries, the first signing, base64 with or without padding or url alphabet', () => {
    const a = randomBytes(32);
    const b = randomBytes(48);
    const parsed = parseRealtimeTokenKeys(` new:${a.toString('base64url')} , old:${b.toString('base64')}`);
    expect(parsed.signing.kid).toBe('new');
    expect(Buffer.from(parsed.signing.secret).equals(a)).toBe(true);
    expect(Buffer.from(parsed.keys.get('old')!).equals(b)).toBe(true);
  });

  it.each([
    ['nothing', '', /no key given/],
    ['no kid', `${secret()}`, /entry 1: expected kid:base64secret/],
    ['a bad kid', `k y:${secret()}`, /entry 1/],
    ['a short secret', `k:${randomBytes(16).toString('base64')}`, /16 bytes; it needs 32/],
    ['a non-random secret', `k:${Buffer.alloc(32, 'ab').toString('base64')}`, /does not look random/],
    ['not base64', `k:${'*'.repeat(44)}`, /not base64/],
    ['a repeated kid', `k:${secret()},k:${secret()}`, /listed twice/],
  ])('refuses %s, naming the entry and never the secret', (_name, text, message) => {
    expect(() => parseRealtimeTokenKeys(text)).toThrow(RealtimeTokenKeyError);
    expect(() => parseRealtimeTokenKeys(text)).toThrow(message);
  });

  it('as an env schema gives an issue instead of throwing', () => {
    const result = RealtimeTokenKeysSchema.safeParse('k:short');
    expect(result.success).toBe(false);
    expect(RealtimeTokenKeysSchema.parse(DEV_REALTIME_TOKEN_KEYS).signing.kid).toBe('dev');
  });
});

describe('resolveRealtimeTokenKeys', () => {
  const configured = parseRealtimeTokenKeys(`k:${secret()}`);
  const dev = parseRealtimeTokenKeys(DEV_REALTIME_TOKEN_KEYS);

  it('falls back to the development ring only under development and test', () => {
    expect(resolveRealtimeTokenKeys(undefined, 'development')).toMatchObject({ ring: { signing: { kid: 'dev' } } });
    expect(resolveRealtimeTokenKeys(undefined, 'test')).toMatchObject({ ring: { signing: { kid: 'dev' } } });
    expect(resolveRealtimeTokenKeys(undefined, 'production')).toEqual({ problem: expect.stringMatching(/is required/) });
  });

  it('refuses the development key in production, even renamed and second in the ring', () => {
    expect(resolveRealtimeTokenKeys(dev, 'production')).toEqual({ problem: expect.stringMatching(/development key/) });
    const renamed = parseRealtimeTokenKeys(`k:${secret()},old:${DEV_REALTIME_TOKEN_KEYS.slice(4)}`);
    expect(resolveRealtimeTokenKeys(renamed, 'production')).toEqual({ problem: expect.stringMatching(/development key/) });
    expect(resolveRealtimeTokenKeys(configured, 'production')).toEqual({ ring: configured });
  });
});
