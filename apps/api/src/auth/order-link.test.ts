import { describe, expect, it } from 'vitest';
import { createOrderLink, parseLinkKeys } from './order-link.js';

const ORDER = '1c6f2a1e-3c4d-4e5f-8a9b-0c1d2e3f4a5b';
const OTHER = '2c6f2a1e-3c4d-4e5f-8a9b-0c1d2e3f4a5b';
const OLD = { id: 'k1', secret: 'an-old-order-link-secret-of-32-characters' };
const NEW = { id: 'k2', secret: 'a-new-order-link-secret-of-32-characters!' };

describe('parseLinkKeys', () => {
  it('reads id:secret pairs, the signing key first', () => {
    expect(parseLinkKeys(`${NEW.id}:${NEW.secret}, ${OLD.id}:${OLD.secret}`)).toEqual([NEW, OLD]);
  });

  it.each([
    ['no key id', `:${NEW.secret}`, /key id/],
    ['no colon', NEW.secret, /key id/],
    ['a short secret', 'k1:short', /at least 32/],
    ['a repeated id', `k1:${OLD.secret},k1:${NEW.secret}`, /distinct/],
  ])('refuses %s without echoing a secret', (_, value, message) => {
    expect(() => parseLinkKeys(value)).toThrow(message);
    try {
      parseLinkKeys(value);
    } catch (error) {
      expect((error as Error).message).not.toContain(OLD.secret);
      expect((error as Error).message).not.toContain(NEW.secret);
    }
  });
});

describe('createOrderLink', () => {
  let clock = 1_800_000_000_000;
  const now = () => clock;

  it('verifies its own tokens for their order, until they expire', () => {
    const link = createOrderLink({ keys: [NEW], ttlS: 60, now });
    const { token, expiresAt } = link.mint(ORDER);
    expect(expiresAt.getTime()).toBe(clock + 60_000);
    expect(link.verify(token)).toBe(ORDER);
    clock += 59_000;
    expect(link.verify(token)).toBe(ORDER);
    clock += 1_000;
    expect(link.verify(token)).toBeUndefined();
  });

  it('mints the same token for the same order and instant, whenever it is asked', () => {
    const link = createOrderLink({ keys: [NEW], ttlS: 60, now });
    const placedAt = new Date(clock - 1_500);
    const first = link.mint(ORDER, placedAt);
    clock += 2_000;
    expect(link.mint(ORDER, placedAt)).toEqual(first);
    expect(first.expiresAt.getTime()).toBe(Math.floor(placedAt.getTime() / 1_000) * 1_000 + 60_000);
    expect(link.mint(ORDER).token).not.toBe(first.token);
  });

  it('keeps accepting links of a rotated-out key, and refuses them once the key is dropped', () => {
    const before = createOrderLink({ keys: [OLD], ttlS: 60, now }).mint(ORDER).token;
    expect(createOrderLink({ keys: [NEW, OLD], ttlS: 60, now }).verify(before)).toBe(ORDER);
    expect(createOrderLink({ keys: [NEW], ttlS: 60, now }).verify(before)).toBeUndefined();
    expect(createOrderLink({ keys: [NEW, OLD], ttlS: 60, now }).mint(ORDER).token).toMatch(/^ol1\.k2\./);
  });

  it('refuses a tampered order id, expiry, key id or signature, and garbage', () => {
    const link = createOrderLink({ keys: [NEW, OLD], ttlS: 60, now });
    const token = link.mint(ORDER).token;
    const [version, keyId, , expires, signature] = token.split('.') as [string, string, string, string, string];
    const forged = [
      [version, keyId, OTHER, expires, signature],
      [version, keyId, ORDER, String(Number(expires) + 3_600), signature],
      [version, 'k1', ORDER, expires, signature],
      [version, 'k9', ORDER, expires, signature],
      [version, keyId, ORDER, expires, `${signature.slice(0, -2)}AA`],
      [version, keyId, ORDER, expires, ''],
      ['ol2', keyId, ORDER, expires, signature],
    ].map((parts) => parts.join('.'));
    for (const candidate of [...forged, '', 'x', `${token}.x`, token.replace(/\./g, '')]) {
      expect(link.verify(candidate), candidate).toBeUndefined();
    }
    const elsewhere = createOrderLink({ keys: [{ id: 'k2', secret: 'some-other-deployment-secret-of-32-chars' }], ttlS: 60, now });
    expect(elsewhere.verify(token)).toBeUndefined();
  });
});
