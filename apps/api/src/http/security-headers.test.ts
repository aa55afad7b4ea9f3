import { describe, expect, it } from 'vitest';
import type { IncomingMessage } from 'node:http';
import { createIsHttps, staticHelmetHeaders } from './security-headers.js';

describe('staticHelmetHeaders', () => {
  it('computes helmet\'s headers once, lowercased', () => {
    const headers = staticHelmetHeaders();
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['content-security-policy']).toBe("default-src 'none';frame-ancestors 'none'");
    // HSTS is sent per request, over HTTPS only (see createIsHttps).
    expect(Object.keys(headers).sort()).toEqual(['content-security-policy', 'x-content-type-options']);
    expect(headers['x-powered-by']).toBeUndefined();
  });
});

describe('createIsHttps', () => {
  const request = (headers: Record<string, string>, encrypted?: boolean) => ({ headers, socket: encrypted === undefined ? {} : { encrypted } }) as unknown as IncomingMessage;

  it('without a trusted proxy, asks the socket and ignores X-Forwarded-Proto', () => {
    const isHttps = createIsHttps(false);
    expect(isHttps(request({}))).toBe(false);
    expect(isHttps(request({ 'x-forwarded-proto': 'https' }))).toBe(false);
    expect(isHttps(request({}, true))).toBe(true);
  });

  it('behind a trusted proxy, takes the last X-Forwarded-Proto entry, else the socket', () => {
    const isHttps = createIsHttps(true);
    expect(isHttps(request({ 'x-forwarded-proto': 'https' }))).toBe(true);
    expect(isHttps(request({ 'x-forwarded-proto': 'http, https' }))).toBe(true);
    expect(isHttps(request({ 'x-forwarded-proto': 'https,http' }))).toBe(false);
    expect(isHttps(request({ 'x-forwarded-proto': ' https ' }))).toBe(true);
    expect(isHttps(request({ 'x-forwarded-proto': 'http' }, true))).toBe(false);
    expect(isHttps(request({}, true))).toBe(true);
    expect(isHttps(request({}))).toBe(false);
  });
});
