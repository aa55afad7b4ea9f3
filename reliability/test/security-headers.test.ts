import { type BuiltApp, createTestBackends, skipWithoutBuilds, type TestBackends } from '@livecart/local-services/testing';
import { findFreePort } from '@livecart/local-services';
import type { Product } from '@livecart/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, type HttpCall, type HttpResult } from '../src/launch/http.js';
import { seedProduct } from '../src/launch/seed-product.js';
import { startApi } from '../src/launch/start-api.js';
import { socketUrlOf, startRealtime } from '../src/launch/start-realtime.js';
import { startWeb } from '../src/launch/start-web.js';
import { cspBlocks, parseCsp } from '../src/security/csp.js';
import { assetUrls } from '../src/security/html-forms.js';
import { createSuiteKey } from '../src/launch/suite-key.js';

/**
 * Security headers of the built api (helmet, apps/api/src/http/security-headers.ts) and web
 * (apps/web/next.config.ts) on every kind of response, and CORS on the api for the configured origin only.
 */

const skip = skipWithoutBuilds('security-headers', ['api', 'realtime', 'web']);
let apiKey: string;
const FOREIGN = 'https://evil.example';
const HALF_A_YEAR_S = 15_552_000;

describe.skipIf(skip)('security headers and CORS', () => {
  let backends: TestBackends;
  let api: BuiltApp;
  let realtime: BuiltApp;
  let web: BuiltApp;
  let webOrigin: string;
  let product: Product;

  beforeAll(async () => {
    backends = await createTestBackends({ label: 'rel-headers' });
    apiKey = await createSuiteKey(backends.databaseUrl);
    const webPort = await findFreePort();
    webOrigin = `http://127.0.0.1:${webPort}`;
    [realtime, api] = await Promise.all([
      startRealtime({ backends, allowedOrigins: [webOrigin] }),
      startApi({ backends, env: { CORS_ORIGINS: webOrigin, RATE_LIMIT_ENABLED: 'false' } }),
    ]);
    web = await startWeb({ port: webPort, apiUrl: api.url, realtimeSocketUrl: socketUrlOf(realtime) });
    product = await seedProduct(api.url, apiKey);
  });

  afterAll(async () => {
    await Promise.all([web, api, realtime].filter(Boolean).map((server) => server.stop()));
    await backends?.close();
  });

  const apiCalls = (): [string, HttpCall & { path: string }][] => [
    ['liveness', { path: '/health' }],
    ['readiness', { path: '/ready' }],
    ['metrics', { path: '/metrics' }],
    ['product list', { path: '/v1/products?limit=2' }],
    ['hot product read', { path: `/v1/products/${product.id}` }],
    ['hot read of an unknown product', { path: '/v1/products/00000000-0000-4000-8000-000000000000' }],
    ['bad query', { path: '/v1/products?limit=nope' }],
    ['unknown route', { path: '/nowhere' }],
    ['write without token', { path: '/v1/products', method: 'POST', body: {} }],
    ['order', { path: '/v1/orders', method: 'POST', body: { items: [{ productId: product.id, quantity: 1 }] } }],
  ];

  const apiCall = (call: HttpCall & { path: string }, headers: Record<string, string> = {}) => {
    const { path, ...rest } = call;
    return http(`${api.url}${path}`, { ...rest, headers: { ...rest.headers, ...headers } });
  };

  describe('api', () => {
    it('sends the JSON API helmet set on every kind of response, success or error', async () => {
      for (const [name, call] of apiCalls()) {
        const { headers } = await apiCall(call);
        const csp = parseCsp(headers.get('content-security-policy'));
        expect(csp.get('default-src'), name).toEqual(["'none'"]);
        expect(csp.get('frame-ancestors'), name).toEqual(["'none'"]);
        expect(headers.get('x-content-type-options'), name).toBe('nosniff');
        // Plain HTTP, no trusted proxy: no HSTS (RFC 6797 §7.2); HTML-only headers are left off.
        expect(headers.get('strict-transport-security'), name).toBeNull();
        expect(headers.get('referrer-policy'), name).toBeNull();
        expect(headers.get('cross-origin-resource-policy'), name).toBeNull();
        expect(headers.get('x-powered-by'), name).toBeNull();
        expect(headers.get('server'), name).toBeNull();
      }
    });

    it('sends HSTS for requests a trusted proxy forwarded over HTTPS, on every kind of response', async () => {
      const proxied = await startApi({ backends, env: { TRUST_PROXY: 'loopback', RATE_LIMIT_ENABLED: 'false' } });
      try {
        for (const [name, call] of apiCalls()) {
          const { path, ...rest } = call;
          const secure = await http(`${proxied.url}${path}`, { ...rest, headers: { ...rest.headers, 'x-forwarded-proto': 'https' } });
          expect(Number(/max-age=(\d+)/.exec(secure.headers.get('strict-transport-security') ?? '')?.[1]), name).toBeGreaterThanOrEqual(HALF_A_YEAR_S);
          const plain = await http(`${proxied.url}${path}`, { ...rest, headers: { ...rest.headers, 'x-forwarded-proto': 'http' } });
          expect(plain.headers.get('strict-transport-security'), name).toBeNull();
        }
        // The hot read, now answered from L1 before Fastify, agrees.
        const again = await http(`${proxied.url}/v1/products/${product.id}`, { headers: { 'x-forwarded-proto': 'https' } });
        expect(again.headers.get('strict-transport-security'), 'hot read from L1').toMatch(/max-age=/);
      } finally {
        await proxied.stop();
      }
    });

    it('serves the interactive docs page under helmet’s HTML defaults, framing only by itself', async () => {
      const { headers } = await http(`${api.url}/docs`);
      expect(headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(parseCsp(headers.get('content-security-policy')).get('frame-ancestors')).toEqual(["'self'"]);
      expect(headers.get('x-content-type-options')).toBe('nosniff');
      expect(headers.get('x-powered-by')).toBeNull();
    });

    it('allows the configured origin only: echoed, never a wildcard, never with credentials', async () => {
      for (const [name, call] of apiCalls()) {
        const allowed = await apiCall(call, { origin: webOrigin });
        if (name !== 'metrics' && name !== 'unknown route') expect(allowed.headers.get('access-control-allow-origin'), name).toBe(webOrigin);
        const foreign = await apiCall(call, { origin: FOREIGN });
        expect(foreign.headers.get('access-control-allow-origin'), name).toBeNull();
        for (const result of [allowed, foreign]) expect(result.headers.get('access-control-allow-credentials'), name).toBeNull();
      }
    });

    it('answers preflights for the configured origin with the write methods and headers, and no one else', async () => {
      const preflight = (origin: string, path: string, method: string): Promise<HttpResult> =>
        http(`${api.url}${path}`, {
          method: 'OPTIONS',
          headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': 'authorization,content-type,if-match,idempotency-key' },
        });
      for (const [path, method] of [[`/v1/products/${product.id}`, 'PATCH'], ['/v1/products/bulk', 'POST'], [`/v1/products/${product.id}`, 'DELETE']] as const) {
        const allowed = await preflight(webOrigin, path, method);
        expect(allowed.status).toBe(204);
        expect(allowed.headers.get('access-control-allow-origin')).toBe(webOrigin);
        expect(allowed.headers.get('access-control-allow-methods')).toContain(method);
        for (const header of ['authorization', 'if-match', 'idempotency-key']) expect(allowed.headers.get('access-control-allow-headers')).toContain(header);
        const foreign = await preflight(FOREIGN, path, method);
        expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
      }
    });
  });

  describe('web', () => {
    const pages = () => ['/', `/products/${product.id}`, '/admin', '/no-such-page', `/api/products?ids=${product.id}`];

    it('sends CSP (no framing, no plugins, no foreign base or form targets), nosniff, DENY framing, Referrer- and Permissions-Policy on every page', async () => {
      const first = await http(`${web.url}/`);
      const asset = assetUrls(first.text, web.url).find((url) => url.endsWith('.js'));
      expect(asset).toBeDefined();
      for (const path of [...pages(), new URL(asset!).pathname]) {
        const { headers } = await http(`${web.url}${path}`);
        const csp = parseCsp(headers.get('content-security-policy'));
        expect(csp.get('frame-ancestors'), path).toEqual(["'none'"]);
        expect(csp.get('object-src'), path).toEqual(["'none'"]);
        expect(csp.get('base-uri'), path).toEqual(["'self'"]);
        expect(csp.get('form-action'), path).toEqual(["'self'"]);
        expect(csp.get('default-src'), path).toEqual(["'self'"]);
        expect(headers.get('x-content-type-options'), path).toBe('nosniff');
        expect(headers.get('x-frame-options'), path).toBe('DENY');
        expect(headers.get('referrer-policy'), path).toBe('strict-origin-when-cross-origin');
        for (const feature of ['camera=()', 'microphone=()', 'geolocation=()', 'payment=()']) expect(headers.get('permissions-policy'), path).toContain(feature);
        expect(headers.get('x-powered-by'), path).toBeNull();
      }
    });

    it('has a CSP the pages work under: their scripts, styles and the realtime socket are allowed', async () => {
      for (const path of ['/', `/products/${product.id}`, '/admin']) {
        const page = await http(`${web.url}${path}`);
        expect(page.text, path).toContain('<script');
        const blocked = cspBlocks(parseCsp(page.headers.get('content-security-policy')), { origin: webOrigin, html: page.text, socketUrl: socketUrlOf(realtime) });
        expect(blocked, path).toEqual([]);
      }
    });
  });
});
