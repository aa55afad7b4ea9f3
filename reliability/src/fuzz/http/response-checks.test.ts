import { describe, expect, it } from 'vitest';
import { isBusyReadiness } from './response-checks.js';

const notReady = JSON.stringify({
  statusCode: 503,
  error: 'Service Unavailable',
  code: 'SERVICE_UNAVAILABLE',
  message: 'not ready: a backing service does not answer',
  details: [{ field: 'postgres', message: 'does not answer' }],
});

describe('isBusyReadiness', () => {
  it('excuses only /ready saying that Postgres or Redis did not answer', () => {
    expect(isBusyReadiness('GET /ready', 503, notReady)).toBe(true);
    expect(isBusyReadiness('GET /v1/products', 503, notReady)).toBe(false);
    expect(isBusyReadiness('GET /ready', 500, notReady.replace('503', '500'))).toBe(false);
    expect(isBusyReadiness('GET /ready', 503, notReady.replace('SERVICE_UNAVAILABLE', 'INTERNAL'))).toBe(false);
    expect(isBusyReadiness('GET /ready', 503, notReady.replace('"postgres"', '"body"'))).toBe(false);
    expect(isBusyReadiness('GET /ready', 503, 'Service Unavailable')).toBe(false);
  });
});
