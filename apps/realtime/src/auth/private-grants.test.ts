import { describe, expect, it } from 'vitest';
import { PrivateGrants } from './private-grants.js';

describe('PrivateGrants', () => {
  it('ends each topic at its own expiry, a later token extending it, a forgotten one never expiring', () => {
    const grants = new PrivateGrants();
    grants.grant(new Map([['a', 100], ['b', 200], ['c', 50]]));
    grants.grant(new Map([['a', 300], ['b', 150]]));
    grants.forget(['c']);
    expect(grants.nextExpiry()).toBe(200);
    expect(grants.takeExpired(199)).toEqual([]);
    expect(grants.takeExpired(200)).toEqual(['b']);
    expect(grants.nextExpiry()).toBe(300);
    expect(grants.takeExpired(1_000)).toEqual(['a']);
    expect(grants.nextExpiry()).toBeUndefined();
    expect(grants.size).toBe(0);
  });
});
