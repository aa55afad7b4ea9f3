import { describe, expect, it } from 'vitest';
import { passwordWeakness } from './password-policy.js';

describe('passwordWeakness', () => {
  it('names the reason a password is refused', () => {
    expect(passwordWeakness('short', 'a@b.io')).toMatch(/at least 12/);
    expect(passwordWeakness('ann.smith@shop.io', 'Ann.Smith@shop.io')).toMatch(/email/);
    expect(passwordWeakness('ann.smith-2024!', 'ann.smith@shop.io')).toMatch(/email/);
    expect(passwordWeakness('Password1234', 'a@b.io')).toMatch(/common/);
    expect(passwordWeakness('abababababab', 'a@b.io')).toMatch(/too few different/);
  });

  it('accepts a long, unusual password', () => {
    expect(passwordWeakness('plum-lantern-97-orbit', 'ann@shop.io')).toBeUndefined();
  });
});
