import { describe, expect, it } from 'vitest';
import { staticHelmetHeaders } from './security-headers.js';

describe('staticHelmetHeaders', () => {
  it('computes helmet\'s headers once, lowercased', () => {
    const headers = staticHelmetHeaders();
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['content-security-policy']).toBe("default-src 'none';frame-ancestors 'none'");
    expect(Object.keys(headers).sort()).toEqual([
      'content-security-policy',
      'cross-origin-resource-policy',
      'referrer-policy',
      'strict-transport-security',
      'x-content-type-options',
    ]);
    expect(headers['strict-transport-security']).toMatch(/max-age=/);
    expect(headers['x-powered-by']).toBeUndefined();
  });
});
