import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSecretSealer, parseSealingKeys } from './secret-sealer.js';

const ENDPOINT = '1c6f2a1e-3c4d-4e5f-8a9b-0c1d2e3f4a5b';
const OTHER = '2c6f2a1e-3c4d-4e5f-8a9b-0c1d2e3f4a5b';
const SECRET = `whsec_${randomBytes(32).toString('base64')}`;
const OLD = { id: 'k1', key: randomBytes(32) };
const NEW = { id: 'k2', key: randomBytes(32) };
const ring = (...keys: { id: string; key: Buffer }[]) => keys.map((key) => `${key.id}:${key.key.toString('base64')}`).join(',');

describe('parseSealingKeys', () => {
  it('reads id:base64 pairs, the sealing key first', () => {
    expect(parseSealingKeys(ring(NEW, OLD))).toEqual([NEW, OLD]);
    expect(parseSealingKeys(`k3:${NEW.key.toString('base64url')}`)[0]!.key).toEqual(NEW.key);
  });

  it.each([
    ['no key id', `:${NEW.key.toString('base64')}`, /key id/],
    ['a short key', `k1:${randomBytes(16).toString('base64')}`, /exactly 32/],
    ['a key that is not base64', `k1:${'x'.repeat(40)}!`, /exactly 32/],
    ['a repeated id', `k1:${OLD.key.toString('base64')},k1:${NEW.key.toString('base64')}`, /distinct/],
  ])('refuses %s without echoing a key', (_, value, message) => {
    expect(() => parseSealingKeys(value)).toThrow(message);
    try {
      parseSealingKeys(value);
    } catch (error) {
      for (const key of [OLD, NEW]) expect((error as Error).message).not.toContain(key.key.toString('base64'));
    }
  });
});

describe('createSecretSealer', () => {
  it('seals a secret so that the stored form holds nothing of it, and opens it for its endpoint', () => {
    const sealer = createSecretSealer([NEW]);
    const sealed = sealer.seal(SECRET, ENDPOINT);
    expect(sealed).toMatch(/^sealed1\.k2\./);
    expect(sealed).not.toContain(SECRET.slice(6, 20));
    expect(sealer.seal(SECRET, ENDPOINT)).not.toBe(sealed);
    expect(sealer.open(sealed, ENDPOINT)).toBe(SECRET);
  });

  it('refuses a secret moved to another endpoint, altered, or sealed by a key the ring no longer holds', () => {
    const sealer = createSecretSealer([NEW, OLD]);
    const sealed = sealer.seal(SECRET, ENDPOINT);
    expect(() => sealer.open(sealed, OTHER)).toThrow(/another endpoint/);
    const [version, keyId, iv, body, tag] = sealed.split('.') as [string, string, string, string, string];
    const flipped = `${body.slice(0, -2)}${body.at(-2) === 'A' ? 'B' : 'A'}${body.at(-1)}`;
    for (const altered of [[version, keyId, iv, flipped, tag], [version, 'k1', iv, body, tag], [version, keyId, iv, body, 'AAAA']]) {
      expect(() => sealer.open(altered.join('.'), ENDPOINT)).toThrow(/does not open/);
    }
    expect(() => sealer.open([version, 'k9', iv, body, tag].join('.'), ENDPOINT)).toThrow(/no longer holds/);
    expect(() => sealer.open('garbage', ENDPOINT)).toThrow(/known sealed form/);
    expect(() => createSecretSealer([OLD]).open(sealed, ENDPOINT)).toThrow(/no longer holds/);
  });

  it('keeps opening what an older key sealed after a rotation, and says what is not under the newest key', () => {
    const before = createSecretSealer([OLD]).seal(SECRET, ENDPOINT);
    const rotated = createSecretSealer([NEW, OLD]);
    expect(rotated.open(before, ENDPOINT)).toBe(SECRET);
    expect(rotated.isCurrent(before)).toBe(false);
    expect(rotated.isCurrent(rotated.seal(SECRET, ENDPOINT))).toBe(true);
    // A secret stored before sealing existed is opened as it is, and is never current.
    expect(rotated.open(SECRET, ENDPOINT)).toBe(SECRET);
    expect(rotated.isCurrent(SECRET)).toBe(false);
  });
});
