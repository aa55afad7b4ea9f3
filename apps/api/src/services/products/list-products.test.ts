import { describe, expect, it } from 'vitest';
import { toPrefixQuery } from './list-products.js';

describe('toPrefixQuery', () => {
  it('turns words into an AND of prefix matches, lowercased, punctuation dropped', () => {
    expect(toPrefixQuery('Head phon')).toBe('head:* & phon:*');
    expect(toPrefixQuery("o'neil & (coffee)")).toBe('o:* & neil:* & coffee:*');
    expect(toPrefixQuery('Café 42')).toBe('café:* & 42:*');
  });

  it('has nothing to search for in punctuation alone', () => {
    expect(toPrefixQuery('!!! ---')).toBeNull();
  });
});
