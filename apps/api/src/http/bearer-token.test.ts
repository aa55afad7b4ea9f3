import { describe, expect, it } from 'vitest';
import { createTokenCheck } from './bearer-token.js';

describe('bearer token check', () => {
  const check = createTokenCheck('s3cret-admin-token-value');

  it('accepts exactly the configured token', () => {
    expect(check('Bearer s3cret-admin-token-value')).toBe('ok');
    expect(check('bearer s3cret-admin-token-value')).toBe('ok');
  });

  it('tells a missing credential (401) from a wrong one (403)', () => {
    expect(check(undefined)).toBe('missing');
    expect(check('')).toBe('missing');
    expect(check('Basic dXNlcjpwYXNz')).toBe('missing');
    expect(check('Bearer ')).toBe('missing');
    expect(check('Bearer s3cret-admin-token-valu')).toBe('wrong');
    expect(check('Bearer s3cret-admin-token-value-and-more')).toBe('wrong');
    expect(check('Bearer x')).toBe('wrong');
  });
});
