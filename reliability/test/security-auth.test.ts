import { randomBytes } from 'node:crypto';
import { type BuiltApp, createTestBackends, skipWithoutBuilds, type TestBackends } from '@livecart/local-services/testing';
import { ProductSchema, type Product } from '@livecart/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, envelopeOf, http, type HttpCall } from '../src/launch/http.js';
import { seedProduct } from '../src/launch/seed-product.js';
import { startApi } from '../src/launch/start-api.js';
import { createSuiteKey } from '../src/launch/suite-key.js';

/**
 * Every write route of the built api needs a credential: none (or a malformed Authorization) is 401 with a
 * Bearer challenge, an unknown, altered or revoked API key is 403 (apps/api/src/plugins/auth.ts), both in
 * the error envelope, both decided before the body is read, neither changing anything. The key is a real
 * one, made at startup by the api's keys:create command.
 */

const skip = skipWithoutBuilds('security-auth', ['api']);
let apiKey: string;
/** The api's former static token value: nothing special any more, refused like any unknown key. */
const RETIRED_TOKEN = 'dev-admin-token-not-for-production';

interface WriteRoute {
  name: string;
  call: (product: Product) => HttpCall & { path: string };
}

const WRITES: WriteRoute[] = [
  { name: 'POST /v1/products', call: () => ({ method: 'POST', path: '/v1/products', body: { sku: 'AUTH-NEW-1', name: 'Intruder', category: 'kitchen', priceMinor: 1 } }) },
  { name: 'PATCH /v1/products/:id', call: (p) => ({ method: 'PATCH', path: `/v1/products/${p.id}`, headers: { 'if-match': `"${p.version}"` }, body: { priceMinor: 1 } }) },
  { name: 'DELETE /v1/products/:id', call: (p) => ({ method: 'DELETE', path: `/v1/products/${p.id}` }) },
  { name: 'POST /v1/products/bulk', call: (p) => ({ method: 'POST', path: '/v1/products/bulk', body: { items: [{ id: p.id, priceMinor: 1, stock: 0 }] } }) },
];

const credentials = () => ({
  none: { headers: {}, status: 401, code: 'UNAUTHORIZED' },
  'a Basic credential': { headers: { authorization: `Basic ${Buffer.from(`admin:${apiKey}`).toString('base64')}` }, status: 401, code: 'UNAUTHORIZED' },
  'an empty Bearer': { headers: { authorization: 'Bearer ' }, status: 401, code: 'UNAUTHORIZED' },
  'a wrong key': { headers: bearer(`lck_${randomBytes(32).toString('base64url')}`), status: 403, code: 'FORBIDDEN' },
  'the key with one character less': { headers: bearer(apiKey.slice(0, -1)), status: 403, code: 'FORBIDDEN' },
  'the key with one character changed': { headers: bearer(`${apiKey.slice(0, -1)}${apiKey.endsWith('A') ? 'B' : 'A'}`), status: 403, code: 'FORBIDDEN' },
  'the retired development token': { headers: bearer(RETIRED_TOKEN), status: 403, code: 'FORBIDDEN' },
});
const CREDENTIAL_NAMES = ['none', 'a Basic credential', 'an empty Bearer', 'a wrong key', 'the key with one character less', 'the key with one character changed', 'the retired development token'] as const;

describe.skipIf(skip)('credentials on the api write routes', () => {
  let backends: TestBackends;
  let api: BuiltApp;
  let product: Product;

  beforeAll(async () => {
    backends = await createTestBackends({ label: 'rel-auth' });
    apiKey = await createSuiteKey(backends.databaseUrl);
    api = await startApi({ backends, env: { RATE_LIMIT_ENABLED: 'false' } });
    product = await seedProduct(api.url, apiKey, { priceMinor: 4_200, stock: 9 });
  });

  afterAll(async () => {
    await api?.stop();
    await backends?.close();
  });

  for (const label of CREDENTIAL_NAMES) {
    it(`answers every write with ${label} by a refusal in the envelope`, async () => {
      const credential = credentials()[label];
      for (const route of WRITES) {
        const { path, ...call } = route.call(product);
        const result = await http(`${api.url}${path}`, { ...call, headers: { ...call.headers, ...credential.headers } });
        expect(result.status, route.name).toBe(credential.status);
        expect(envelopeOf(result), route.name).toMatchObject({ code: credential.code });
        if (credential.status === 401) expect(result.headers.get('www-authenticate'), route.name).toBe('Bearer realm="livecart"');
      }
    });
  }

  it('refuses before reading the body: an invalid or oversized body without a token is still 401, not 400 or 413', async () => {
    const invalid = await http(`${api.url}/v1/products`, { method: 'POST', body: '{"sku": ', headers: { 'content-type': 'application/json' } });
    expect(envelopeOf(invalid)).toMatchObject({ statusCode: 401, code: 'UNAUTHORIZED' });
    const huge = await http(`${api.url}/v1/products/bulk`, { method: 'POST', body: { items: [], pad: 'x'.repeat(2 * 1024 * 1024) } });
    expect(envelopeOf(huge)).toMatchObject({ statusCode: 401, code: 'UNAUTHORIZED' });
  });

  it('changed nothing: the product is as created and no product was added', async () => {
    const now = ProductSchema.parse((await http(`${api.url}/v1/products/${product.id}`)).json);
    expect(now).toEqual(product);
    const list = await http(`${api.url}/v1/products?limit=10`);
    expect((list.json as { items: unknown[] }).items).toHaveLength(1);
  });

  it('accepts the right key on the same routes', async () => {
    const patched = await http(`${api.url}/v1/products/${product.id}`, { method: 'PATCH', headers: { ...bearer(apiKey), 'if-match': `"${product.version}"` }, body: { priceMinor: 4_300 } });
    expect(patched.status).toBe(200);
    const bulk = await http(`${api.url}/v1/products/bulk`, { method: 'POST', headers: bearer(apiKey), body: { items: [{ id: product.id, stock: 8 }] } });
    expect(bulk.status).toBe(200);
  });
});

describe.skipIf(skip)('credential configuration outside development', () => {
  let backends: TestBackends;

  beforeAll(async () => {
    backends = await createTestBackends({ label: 'rel-auth-config' });
  });

  afterAll(async () => {
    await backends?.close();
  });

  // The retired static token is refused at startup, so a deployment that still sets it learns why, and so
  // is a missing session secret: nothing would sign the staff cookies.
  const refusals: Record<string, { env: Record<string, string>; names: string }> = {
    'with the retired ADMIN_TOKEN set': { env: { ADMIN_TOKEN: 'a-static-token-of-an-older-deployment' }, names: 'ADMIN_TOKEN: is retired' },
    'with the former public development token': { env: { ADMIN_TOKEN: RETIRED_TOKEN }, names: 'ADMIN_TOKEN: is retired' },
    'without SESSION_SECRET': { env: { SESSION_SECRET: '' }, names: 'SESSION_SECRET' },
  };
  for (const [label, refusal] of Object.entries(refusals)) {
    it(`refuses to start ${label}, naming ${refusal.names}`, async () => {
      const outcome = await startApi({ backends, env: { NODE_ENV: 'production', ...refusal.env } }).then(
        async (server) => {
          await server.stop();
          return 'it started and served /ready';
        },
        (error: Error) => error.message,
      );
      expect(outcome).toMatch(new RegExp(`api exited with 1[\\s\\S]*${refusal.names}`));
    });
  }
});
