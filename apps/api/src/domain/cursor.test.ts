import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, listingFingerprint } from './cursor.js';
import { BadCursorError } from './errors.js';

const ID = '3f0c1b9e-1111-4abc-8def-0123456789ab';
const isNumber = (key: unknown) => typeof key === 'number';

describe('cursor', () => {
  it('round-trips a position for the same listing, as URL-safe text', () => {
    const fingerprint = listingFingerprint({ sort: 'price_asc', category: 'audio' });
    const cursor = encodeCursor(fingerprint, { key: 1299, id: ID });
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, fingerprint, isNumber)).toEqual({ key: 1299, id: ID });
    expect(decodeCursor(encodeCursor(fingerprint, { ref: ID }), fingerprint, isNumber)).toEqual({ ref: ID });
  });

  it('fingerprints ignore key order but not values', () => {
    expect(listingFingerprint({ a: 1, b: 'x' })).toBe(listingFingerprint({ b: 'x', a: 1 }));
    expect(listingFingerprint({ sort: 'price_asc' })).not.toBe(listingFingerprint({ sort: 'price_desc' }));
    expect(listingFingerprint({ sort: 'newest', q: undefined })).toBe(listingFingerprint({ sort: 'newest', q: undefined }));
  });

  it('refuses a cursor from another listing, garbage, and keys of the wrong type', () => {
    const fingerprint = listingFingerprint({ sort: 'price_asc' });
    const other = encodeCursor(listingFingerprint({ sort: 'name_asc' }), { key: 'Mug', id: ID });
    expect(() => decodeCursor(other, fingerprint, isNumber)).toThrow(BadCursorError);
    expect(() => decodeCursor('not-base64-json', fingerprint, isNumber)).toThrow(BadCursorError);
    expect(() => decodeCursor(Buffer.from('"x"').toString('base64url'), fingerprint, isNumber)).toThrow(BadCursorError);
    expect(() => decodeCursor(encodeCursor(fingerprint, { key: 'x', id: ID }), fingerprint, isNumber)).toThrow(BadCursorError);
    expect(() => decodeCursor(encodeCursor(fingerprint, { key: 1, id: 'nope' }), fingerprint, isNumber)).toThrow(BadCursorError);
  });
});
