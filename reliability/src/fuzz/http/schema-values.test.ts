import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validValue } from './schema-values.js';

describe('validValue', () => {
  it('draws strings within a minimum length the default sizes rarely reach (a password of 12+)', { timeout: 5_000 }, () => {
    const values = fc.sample(validValue({ type: 'string', minLength: 12, maxLength: 256 }, 'password', {}), 200) as string[];
    expect(values.every((value) => value.length >= 12 && value.length <= 256)).toBe(true);
  });

  it('draws pattern strings that fit the length bounds', () => {
    const values = fc.sample(validValue({ type: 'string', pattern: '^[^\\s@]+@[^\\s@]+\\.[^\\s@]+$', maxLength: 254 }, 'email', {}), 100) as string[];
    expect(values.every((value) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value) && value.length <= 254)).toBe(true);
  });
});
