import { describe, expect, it } from 'vitest';
import { clientAddressOf, parseForwardedFor } from './forwarded-chain';

describe('clientAddressOf', () => {
  const chain = parseForwardedFor('203.0.113.9, 198.51.100.7, 10.0.0.2');

  it('takes the peer when no proxy is trusted, whatever the client claimed before it', () => {
    expect(clientAddressOf(chain, 0)).toBe('10.0.0.2');
  });

  it('takes the address the nearest trusted proxy saw, not the leftmost claim', () => {
    expect(clientAddressOf(chain, 1)).toBe('198.51.100.7');
    expect(clientAddressOf(chain, 2)).toBe('203.0.113.9');
  });

  it('falls back to the leftmost entry when fewer hops than trusted are listed', () => {
    expect(clientAddressOf(chain, 5)).toBe('203.0.113.9');
  });

  it('never chooses an entry that is not an IP address', () => {
    const forged = parseForwardedFor('evil.example, 2001:db8::1');
    expect(forged).toEqual(['', '2001:db8::1']);
    expect(clientAddressOf(forged, 1)).toBeUndefined();
    expect(clientAddressOf(forged, 0)).toBe('2001:db8::1');
    expect(clientAddressOf(parseForwardedFor(undefined), 0)).toBeUndefined();
  });
});
