import { describe, expect, it } from 'vitest';
import { loggableUrl } from './loggable-url.js';

describe('loggableUrl', () => {
  it('replaces the value of a token parameter wherever it stands, and nothing else', () => {
    expect(loggableUrl('/v1/orders/1?token=ol1.k.id.1.sig')).toBe('/v1/orders/1?token=[redacted]');
    expect(loggableUrl('/v1/orders/1?a=1&token=secret&b=2')).toBe('/v1/orders/1?a=1&token=[redacted]&b=2');
    expect(loggableUrl('/v1/orders/1?TOKEN=secret')).toBe('/v1/orders/1?TOKEN=[redacted]');
    expect(loggableUrl('/v1/products?q=tokens&cursor=abc')).toBe('/v1/products?q=tokens&cursor=abc');
    expect(loggableUrl('/v1/products/1')).toBe('/v1/products/1');
  });
});
