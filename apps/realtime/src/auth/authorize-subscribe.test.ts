import { randomBytes } from 'node:crypto';
import { mintRealtimeToken, parseRealtimeTokenKeys } from '@livecart/schemas/realtime-token-signing';
import { describe, expect, it } from 'vitest';
import { authorizeSubscribe } from './authorize-subscribe.js';

const ring = parseRealtimeTokenKeys(`a:${randomBytes(32).toString('base64')}`);
const order = 'order:0b6f2a1e-3c4d-4e5f-8a9b-0c1d2e3f4a5b';
const cart = 'cart:0b6f2a1e-3c4d-4e5f-8a9b-0c1d2e3f4a5b';
const NOW = Date.UTC(2030, 0, 1);
const token = (topics: string[], nowMs = NOW) => mintRealtimeToken({ ring, subject: 'user:1', topics, nowMs, lifetimeS: 60 }).token;
const check = (topics: string[], withToken: string | undefined, nowMs = NOW) => authorizeSubscribe({ topics, token: withToken, ring, nowMs });

describe('authorizeSubscribe', () => {
  it('lets public topics through without a token, and ignores a token given with them', () => {
    expect(check(['catalog', 'category:toys'], undefined)).toEqual({ ok: true, grants: new Map() });
    expect(check(['catalog'], 'junk')).toMatchObject({ ok: true });
  });

  it('grants private topics the token names, until its expiry', () => {
    expect(check(['catalog', order], token([order, cart]))).toEqual({ ok: true, grants: new Map([[order, NOW + 60_000]]) });
  });

  it.each([
    ['no token', [order], undefined, 'token_required'],
    ['a malformed token', [order], 'v1.a.b', 'token_invalid'],
    ['a token for another topic', [order], token([cart]), 'topic_forbidden'],
    ['a token granting only some', [order, cart], token([order]), 'topic_forbidden'],
    ['an expired token', [order], token([order], NOW - 60_000), 'token_expired'],
  ])('refuses %s', (_name, topics, given, code) => {
    expect(check(topics, given)).toMatchObject({ ok: false, code });
  });

  it('refuses a token of a key the ring does not hold', () => {
    const other = parseRealtimeTokenKeys(`a:${randomBytes(32).toString('base64')}`);
    const forged = mintRealtimeToken({ ring: other, subject: 'user:1', topics: [order], nowMs: NOW }).token;
    expect(check([order], forged)).toMatchObject({ ok: false, code: 'token_invalid', message: expect.stringMatching(/bad signature/) });
  });
});
