import { describe, expect, it } from 'vitest';
import { ifNoneMatchHits } from './if-none-match.js';

describe('ifNoneMatchHits', () => {
  it.each([
    ['"abc"', true],
    ['W/"abc"', true],
    ['"old", "abc"', true],
    ['*', true],
    ['"old"', false],
    ['abc', false],
    ['', false],
  ])('%j → %s', (header, hit) => {
    expect(ifNoneMatchHits(header, '"abc"')).toBe(hit);
  });

  it('does not match without the header', () => {
    expect(ifNoneMatchHits(undefined, '"abc"')).toBe(false);
  });
});
