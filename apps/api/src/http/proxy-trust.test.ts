import { describe, expect, it } from 'vitest';
import { createProxyTrust, parseTrustProxy } from './proxy-trust.js';

describe('parseTrustProxy', () => {
  it('is off when unset, empty, false or 0', () => {
    for (const value of [undefined, '', ' ', 'false', 'off', '0']) expect(parseTrustProxy(value)).toEqual({ kind: 'none' });
  });

  it('takes a hop count', () => {
    expect(parseTrustProxy('2')).toEqual({ kind: 'hops', hops: 2 });
    expect(() => parseTrustProxy('11')).toThrow(/hop count between 0 and 10/);
  });

  it('takes IPs, CIDRs and proxy-addr names', () => {
    expect(parseTrustProxy(' 10.0.0.0/8, 172.28.0.10 ,loopback,fd00::/8')).toEqual({
      kind: 'addresses',
      addresses: ['10.0.0.0/8', '172.28.0.10', 'loopback', 'fd00::/8'],
    });
    expect(() => parseTrustProxy('10.0.0.0/8,proxy.internal')).toThrow(/expected a hop count or IPs\/CIDRs/);
    expect(() => parseTrustProxy('10.0.0.0/33')).toThrow(/expected a hop count or IPs\/CIDRs/);
  });

  it('refuses to trust every client', () => {
    for (const value of ['true', 'TRUE', 'yes', 'on', '*', '0.0.0.0/0', '::/0', '10.0.0.0/8,0.0.0.0/0', '0.0.0.0/0.0.0.0', '::ffff:0:0/96', '::ffff:0.0.0.0/80']) {
      expect(() => parseTrustProxy(value), value).toThrow(/must name the proxies, not trust every client/);
    }
  });
});

describe('createProxyTrust', () => {
  it('trusts nothing when off', () => {
    expect(createProxyTrust({ kind: 'none' })).toBe(false);
  });

  it('trusts the nearest hops only', () => {
    const trust = createProxyTrust({ kind: 'hops', hops: 2 });
    expect(trust !== false && [0, 1, 2].map((hop) => trust('203.0.113.7', hop))).toEqual([true, true, false]);
  });

  it('trusts the listed addresses only', () => {
    const trust = createProxyTrust(parseTrustProxy('10.0.0.0/8,loopback'));
    expect(trust !== false && ['10.1.2.3', '127.0.0.1', '::1', '::ffff:10.0.0.1', '203.0.113.7', undefined].map((address) => trust(address, 0))).toEqual([
      true,
      true,
      true,
      true,
      false,
      false,
    ]);
  });
});
