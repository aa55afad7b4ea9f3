import { describe, expect, it } from 'vitest';
import { BadRequestError } from './errors.js';
import { etagOf, expectedVersion, ifNoneMatchHits, parseIfMatch } from './etag.js';

describe('etag', () => {
  it('is a strong ETag of the version', () => {
    expect(etagOf(3)).toBe('"3"');
  });

  it('If-None-Match matches weakly, in lists, and with *', () => {
    expect(ifNoneMatchHits('"3"', '"3"')).toBe(true);
    expect(ifNoneMatchHits('W/"3"', '"3"')).toBe(true);
    expect(ifNoneMatchHits('"1", "3"', '"3"')).toBe(true);
    expect(ifNoneMatchHits('*', '"3"')).toBe(true);
    expect(ifNoneMatchHits('"2"', '"3"')).toBe(false);
    expect(ifNoneMatchHits(undefined, '"3"')).toBe(false);
  });

  it('If-Match names one version or *; anything else is a 400', () => {
    expect(parseIfMatch('"7"')).toBe(7);
    expect(parseIfMatch('W/"7"')).toBe(7);
    expect(parseIfMatch('*')).toBe('*');
    expect(parseIfMatch(undefined)).toBeUndefined();
    for (const bad of ['7', '"a"', '"1", "2"', '"0"', '""']) expect(() => parseIfMatch(bad)).toThrow(BadRequestError);
  });

  it('the body version and If-Match must agree', () => {
    expect(expectedVersion('"4"', undefined)).toBe(4);
    expect(expectedVersion(undefined, 4)).toBe(4);
    expect(expectedVersion('"4"', 4)).toBe(4);
    expect(expectedVersion('*', undefined)).toBeUndefined();
    expect(() => expectedVersion('"4"', 5)).toThrow(BadRequestError);
  });
});
