import { describe, expect, it } from 'vitest';
import type { IncomingMessage } from 'node:http';
import { createProxyTrust, parseTrustProxy } from './proxy-trust.js';
import { createIsHttps, createSecurityHeaders, DOCS_HELMET_OPTIONS, HSTS_HEADER } from './security-headers.js';

describe('createSecurityHeaders', () => {
  it('gives helmet\'s headers for the API policy, lower-cased, and HSTS after them over HTTPS only', () => {
    const security = createSecurityHeaders();
    expect(security(false)).toEqual(['content-security-policy', "default-src 'none';frame-ancestors 'none'", 'x-content-type-options', 'nosniff']);
    expect(security(true)).toEqual([...security(false), ...HSTS_HEADER]);
    // Made once: a request only picks a list.
    expect(security(true)).toBe(security(true));
  });

  it('gives helmet\'s defaults for the docs page, HSTS still per request', () => {
    const docs = createSecurityHeaders(DOCS_HELMET_OPTIONS)(false);
    const names = docs.filter((_, i) => i % 2 === 0);
    expect(names).toEqual(expect.arrayContaining(['content-security-policy', 'x-frame-options', 'referrer-policy', 'x-content-type-options']));
    expect(names).not.toContain('strict-transport-security');
    expect(docs[names.indexOf('content-security-policy') * 2 + 1]).toMatch(/frame-ancestors 'self'/);
  });
});

describe('createIsHttps', () => {
  const proxy = '10.0.0.5';
  const request = (headers: Record<string, string>, encrypted?: boolean, remoteAddress = proxy) =>
    ({ headers, socket: encrypted === undefined ? { remoteAddress } : { encrypted, remoteAddress } }) as unknown as IncomingMessage;

  it('without a trusted proxy, asks the socket and ignores X-Forwarded-Proto', () => {
    const isHttps = createIsHttps(false);
    expect(isHttps(request({}))).toBe(false);
    expect(isHttps(request({ 'x-forwarded-proto': 'https' }))).toBe(false);
    expect(isHttps(request({}, true))).toBe(true);
  });

  it('behind a trusted proxy, takes the last X-Forwarded-Proto entry, else the socket', () => {
    const isHttps = createIsHttps(createProxyTrust(parseTrustProxy(proxy)));
    expect(isHttps(request({ 'x-forwarded-proto': 'https' }))).toBe(true);
    expect(isHttps(request({ 'x-forwarded-proto': 'http, https' }))).toBe(true);
    expect(isHttps(request({ 'x-forwarded-proto': 'https,http' }))).toBe(false);
    expect(isHttps(request({ 'x-forwarded-proto': ' https ' }))).toBe(true);
    expect(isHttps(request({ 'x-forwarded-proto': 'http' }, true))).toBe(false);
    expect(isHttps(request({}, true))).toBe(true);
    expect(isHttps(request({}))).toBe(false);
  });

  it('ignores X-Forwarded-Proto from a peer that is not a trusted proxy', () => {
    const isHttps = createIsHttps(createProxyTrust(parseTrustProxy(proxy)));
    expect(isHttps(request({ 'x-forwarded-proto': 'https' }, undefined, '192.0.2.1'))).toBe(false);
    expect(isHttps(request({ 'x-forwarded-proto': 'https' }, false, '192.0.2.1'))).toBe(false);
  });
});
