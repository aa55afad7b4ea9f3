import { describe, expect, it } from 'vitest';
import { BadRequestError } from './errors.js';
import { ANY_VERSION, etagOf, expectedVersionsOf, ifNoneMatchHits, parseIfMatch, versionCondition } from './etag.js';

describe('etag', () => {
  it('is a strong ETag of the version', () => {
    expect(etagOf(3)).toBe('"3"');
  });

  it('If-None-Match matches weakly, in lists, and with *', () => {
    expect(ifNoneMatchHits('"3"', '"3"')).toBe(true);
    expect(ifNoneMatchHits('W/"3"', '"3"')).toBe(true);
    expect(ifNoneMatchHits('"1", "3"', '"3"')).toBe(true);
    expect(ifNoneMatchHits('"1", W/"3"', '"3"')).toBe(true);
    expect(ifNoneMatchHits('*', '"3"')).toBe(true);
    expect(ifNoneMatchHits('"2"', '"3"')).toBe(false);
    expect(ifNoneMatchHits('"13"', '"3"')).toBe(false);
    expect(ifNoneMatchHits(undefined, '"3"')).toBe(false);
  });

  it('If-None-Match that is no entity-tag list is ignored, never an error', () => {
    expect(ifNoneMatchHits('3', '"3"')).toBe(false);
    expect(ifNoneMatchHits('"3', '"3"')).toBe(false);
  });

  it('If-Match compares strongly: a weak tag names no version', () => {
    expect(parseIfMatch('"7"')).toEqual({ kind: 'one-of', versions: [7] });
    expect(parseIfMatch('W/"7"')).toEqual({ kind: 'one-of', versions: [] });
    expect(parseIfMatch('W/"7", "8"')).toEqual({ kind: 'one-of', versions: [8] });
  });

  it('If-Match lists name every strong version; * any; tags of no possible version match nothing', () => {
    expect(parseIfMatch('"1", "2"')).toEqual({ kind: 'one-of', versions: [1, 2] });
    expect(parseIfMatch('"2", "2"')).toEqual({ kind: 'one-of', versions: [2] });
    expect(parseIfMatch('*')).toBe(ANY_VERSION);
    for (const foreign of ['"a"', '"0"', '"07"', '""', '"2147483648"', '"99999999999"']) {
      expect(parseIfMatch(foreign), foreign).toEqual({ kind: 'one-of', versions: [] });
    }
  });

  it('a malformed If-Match is a 400 naming the header', () => {
    for (const bad of ['7', '"1" "2"', 'W/"x", *', '', 'W/']) {
      expect(() => parseIfMatch(bad), bad).toThrow(BadRequestError);
      try {
        parseIfMatch(bad);
      } catch (error) {
        expect((error as BadRequestError).details?.[0]?.field).toBe('headers.if-match');
      }
    }
  });

  it('the body version and If-Match must both hold', () => {
    expect(versionCondition('"4"', undefined)).toEqual({ kind: 'one-of', versions: [4] });
    expect(versionCondition(undefined, 4)).toEqual({ kind: 'one-of', versions: [4] });
    expect(versionCondition('"4"', 4)).toEqual({ kind: 'one-of', versions: [4] });
    expect(versionCondition('"3", "4"', 4)).toEqual({ kind: 'one-of', versions: [4] });
    expect(versionCondition('*', 4)).toEqual({ kind: 'one-of', versions: [4] });
    expect(versionCondition('W/"4"', 4)).toEqual({ kind: 'one-of', versions: [] });
    expect(versionCondition('*', undefined)).toBe(ANY_VERSION);
    expect(versionCondition(undefined, undefined)).toBe(ANY_VERSION);
    expect(() => versionCondition('"4"', 5)).toThrow(BadRequestError);
  });

  it('gives services the versions to check, or none for any', () => {
    expect(expectedVersionsOf(ANY_VERSION)).toBeUndefined();
    expect(expectedVersionsOf({ kind: 'one-of', versions: [] })).toEqual([]);
  });
});
