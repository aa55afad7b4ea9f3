import { describe, expect, it } from 'vitest';
import { prefers } from './write-preconditions.js';

describe('Prefer', () => {
  it('finds a preference among others, with parameters and in any case', () => {
    expect(prefers('last-writer-wins', 'last-writer-wins')).toBe(true);
    expect(prefers('respond-async, wait=10, Last-Writer-Wins', 'last-writer-wins')).toBe(true);
    expect(prefers('return=minimal; foo="bar", last-writer-wins;x=1', 'last-writer-wins')).toBe(true);
  });

  it('does not take a value or another token for the preference', () => {
    expect(prefers(undefined, 'last-writer-wins')).toBe(false);
    expect(prefers('', 'last-writer-wins')).toBe(false);
    expect(prefers('return=last-writer-wins', 'last-writer-wins')).toBe(false);
    expect(prefers('last-writer-wins-not', 'last-writer-wins')).toBe(false);
  });
});
