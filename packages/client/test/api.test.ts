import { API_KEY_SCOPES } from '@livecart/schemas';
import { createApiKey, createTestBackends, startBuiltApp, type BuiltApp, type TestBackends } from '@livecart/local-services/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLivecartClient, etagOf, eventPositionOf, isIdempotentReplay, isNotModified, LivecartApiError, newIdempotencyKey, unwrap, type LivecartClient } from '../src/index.js';

/* The client against the API's production build, on a database and Redis prefix of this file's own. */

let backends: TestBackends;
let api: BuiltApp;
let staff: LivecartClient;
let shopper: LivecartClient;

beforeAll(async () => {
  backends = await createTestBackends({ label: 'client' });
  const key = await createApiKey(backends.databaseUrl, { name: 'client test', scopes: [...API_KEY_SCOPES] });
  api = await startBuiltApp('api', { name: 'api-client', env: { DATABASE_URL: backends.databaseUrl, REDIS_URL: backends.redisUrl, REDIS_PREFIX: backends.redisPrefix } });
  staff = createLivecartClient({ baseUrl: `${api.url}/`, headers: { authorization: `Bearer ${key}` } });
  shopper = createLivecartClient({ baseUrl: api.url });
});
afterAll(async () => {
  await api?.stop();
  await backends?.close();
});

async function createMug(sku: string) {
  return unwrap(await staff.POST('/v1/products', { body: { sku, name: 'Blue mug', category: 'kitchen', priceMinor: 1299, stock: 5 } }));
}

describe('createLivecartClient against the running API', () => {
  it('reads a product with its ETag and stream position, then gets 304 for If-None-Match', async () => {
    const created = await createMug('MUG-ETAG');
    const first = await shopper.GET('/v1/products/{id}', { params: { path: { id: created.id } } });
    expect(first.response.status).toBe(200);
    const product = unwrap(first);
    expect(product.priceMinor).toBe(1299);
    const etag = etagOf(first.response);
    expect(etag).toBe(`"${product.version}"`);
    expect(eventPositionOf(first.response)?.seq).toEqual(expect.any(Number));

    const again = await shopper.GET('/v1/products/{id}', { params: { path: { id: created.id }, header: { 'if-none-match': etag } } });
    expect(isNotModified(again.response)).toBe(true);
    expect(again.data).toBeUndefined();

    const elsewhere = await shopper.GET('/v1/products/{id}', { params: { path: { id: created.id }, header: { 'if-none-match': '"999"' } } });
    expect(elsewhere.response.status).toBe(200);
  });

  it('writes with If-Match, and a stale tag is refused with the typed error envelope', async () => {
    const created = await createMug('MUG-IFMATCH');
    const read = await shopper.GET('/v1/products/{id}', { params: { path: { id: created.id } } });
    const etag = etagOf(read.response);
    if (etag === undefined) throw new Error('the read carried no ETag');

    const updated = await staff.PATCH('/v1/products/{id}', { params: { path: { id: created.id }, header: { 'if-match': etag } }, body: { priceMinor: 1499 } });
    expect(unwrap(updated).priceMinor).toBe(1499);
    expect(etagOf(updated.response)).not.toBe(etag);

    const stale = await staff.PATCH('/v1/products/{id}', { params: { path: { id: created.id }, header: { 'if-match': etag } }, body: { priceMinor: 1 } });
    expect(stale.response.status).toBe(412);
    expect(stale.error?.code).toBe('VERSION_MISMATCH');
    expect(() => unwrap(stale)).toThrow(LivecartApiError);

    const blind = await staff.PATCH('/v1/products/{id}', { params: { path: { id: created.id } }, body: { priceMinor: 1 } });
    expect(blind.response.status).toBe(428);
    const after = unwrap(await shopper.GET('/v1/products/{id}', { params: { path: { id: created.id } } }));
    expect(after.priceMinor).toBe(1499);
  });

  it('retries a write with the same Idempotency-Key and gets the first answer back', async () => {
    const created = await createMug('MUG-IDEMPOTENT');
    const key = newIdempotencyKey();
    const order = { body: { items: [{ productId: created.id, quantity: 1 }] }, params: { header: { 'idempotency-key': key } } };
    const first = await shopper.POST('/v1/orders', order);
    const retried = await shopper.POST('/v1/orders', order);
    expect(first.response.status).toBe(201);
    expect(isIdempotentReplay(first.response)).toBe(false);
    expect(isIdempotentReplay(retried.response)).toBe(true);
    expect(unwrap(retried).id).toBe(unwrap(first).id);
  });
});
