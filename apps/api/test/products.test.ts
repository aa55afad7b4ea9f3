import type { ErrorEnvelope, Product, ProductPage } from '@livecart/schemas';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUTH, createProductVia, createTestContext, productInput, type TestContext } from './helpers.js';

let ctx: TestContext;
let app: FastifyInstance;

beforeAll(async () => {
  ctx = await createTestContext('products');
  app = await ctx.app();
});
afterAll(() => ctx.close());

function expectEnvelope(response: { statusCode: number; json: () => unknown }, statusCode: number, code: string): ErrorEnvelope {
  expect(response.statusCode).toBe(statusCode);
  const body = response.json() as ErrorEnvelope;
  expect(body).toMatchObject({ statusCode, code });
  expect(typeof body.error).toBe('string');
  expect(typeof body.message).toBe('string');
  expect(JSON.stringify(body)).not.toMatch(/at .*\.(ts|js):\d+/);
  return body;
}

describe('POST /v1/products', () => {
  it('creates a product: 201, Location, ETag, defaults filled', async () => {
    const input = productInput({ description: undefined, stock: undefined });
    const response = await app.inject({ method: 'POST', url: '/v1/products', headers: AUTH, payload: input });
    expect(response.statusCode).toBe(201);
    const product = response.json<Product>();
    expect(response.headers.location).toBe(`/v1/products/${product.id}`);
    expect(response.headers.etag).toBe('"1"');
    expect(product).toMatchObject({ sku: input.sku, description: '', currency: 'EUR', stock: 0, imageUrl: null, version: 1 });
  });

  it('refuses a duplicate sku with 409 CONFLICT naming body.sku', async () => {
    const input = productInput();
    await app.inject({ method: 'POST', url: '/v1/products', headers: AUTH, payload: input });
    const response = await app.inject({ method: 'POST', url: '/v1/products', headers: AUTH, payload: input });
    const body = expectEnvelope(response, 409, 'CONFLICT');
    expect(body.details?.[0]?.field).toBe('body.sku');
  });

  it.each([
    ['negative stock', { stock: -1 }, 'body.stock'],
    ['stock as a string (bodies are not coerced)', { stock: '10' }, 'body.stock'],
    ['a float price', { priceMinor: 10.5 }, 'body.priceMinor'],
    ['an unknown field', { colour: 'red' }, 'body.colour'],
    ['a bad sku', { sku: 'x' }, 'body.sku'],
    ['a bad category slug', { category: 'Home Garden' }, 'body.category'],
    ['an unknown currency', { currency: 'XYZ' }, 'body.currency'],
  ])('rejects %s with 400 naming the field', async (_label, overrides, field) => {
    const response = await app.inject({ method: 'POST', url: '/v1/products', headers: AUTH, payload: { ...productInput(), ...overrides } });
    const body = expectEnvelope(response, 400, 'VALIDATION_FAILED');
    expect(body.details?.[0]?.field).toBe(field);
  });

  it('rejects a missing required field', async () => {
    const { name: _name, ...input } = productInput();
    const body = expectEnvelope(await app.inject({ method: 'POST', url: '/v1/products', headers: AUTH, payload: input }), 400, 'VALIDATION_FAILED');
    expect(body.details?.[0]?.field).toBe('body.name');
  });

  it('answers bad JSON, a wrong content type and a huge body with the envelope', async () => {
    expectEnvelope(await app.inject({ method: 'POST', url: '/v1/products', headers: { ...AUTH, 'content-type': 'application/json' }, payload: '{"sku":' }), 400, 'VALIDATION_FAILED');
    expectEnvelope(await app.inject({ method: 'POST', url: '/v1/products', headers: { ...AUTH, 'content-type': 'text/plain' }, payload: 'hello' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
    const huge = { ...productInput(), description: 'x'.repeat(2 * 1024 * 1024) };
    expectEnvelope(await app.inject({ method: 'POST', url: '/v1/products', headers: AUTH, payload: huge }), 413, 'PAYLOAD_TOO_LARGE');
  });

  it('needs the admin token: 401 without, 403 with a wrong one', async () => {
    const missing = await app.inject({ method: 'POST', url: '/v1/products', payload: productInput() });
    expectEnvelope(missing, 401, 'UNAUTHORIZED');
    expect(missing.headers['www-authenticate']).toMatch(/^Bearer/);
    expectEnvelope(await app.inject({ method: 'POST', url: '/v1/products', headers: { authorization: 'Bearer wrong-token' }, payload: productInput() }), 403, 'FORBIDDEN');
    expectEnvelope(await app.inject({ method: 'POST', url: '/v1/products', headers: { authorization: 'Basic abc' }, payload: productInput() }), 401, 'UNAUTHORIZED');
  });
});

describe('GET /v1/products/:id', () => {
  it('returns the product with a strong ETag and X-Event-Seq, and 304 on If-None-Match', async () => {
    const created = await createProductVia(app);
    const first = await app.inject({ url: `/v1/products/${created.id}` });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual(created);
    expect(first.headers.etag).toBe('"1"');
    expect(first.headers['x-event-seq']).toMatch(/^\d+$/);
    const again = await app.inject({ url: `/v1/products/${created.id}`, headers: { 'if-none-match': '"1"' } });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    const weak = await app.inject({ url: `/v1/products/${created.id}`, headers: { 'if-none-match': 'W/"0", W/"1"' } });
    expect(weak.statusCode).toBe(304);
    const stale = await app.inject({ url: `/v1/products/${created.id}`, headers: { 'if-none-match': '"0"' } });
    expect(stale.statusCode).toBe(200);
  });

  it('answers 404 for an unknown id and 400 for a malformed one', async () => {
    expectEnvelope(await app.inject({ url: '/v1/products/3f0c1b9e-1111-4abc-8def-0123456789ab' }), 404, 'NOT_FOUND');
    const bad = expectEnvelope(await app.inject({ url: '/v1/products/not-a-uuid' }), 400, 'VALIDATION_FAILED');
    expect(bad.details?.[0]).toEqual({ field: 'params.id', message: 'must be a UUID' });
  });
});

describe('PATCH /v1/products/:id', () => {
  it('updates with If-Match, bumps the version and refuses the stale version with 412', async () => {
    const product = await createProductVia(app);
    const updated = await app.inject({ method: 'PATCH', url: `/v1/products/${product.id}`, headers: { ...AUTH, 'if-match': '"1"' }, payload: { priceMinor: 4242, name: 'Renamed' } });
    expect(updated.statusCode).toBe(200);
    expect(updated.json()).toMatchObject({ priceMinor: 4242, name: 'Renamed', version: 2 });
    expect(updated.headers.etag).toBe('"2"');
    expectEnvelope(await app.inject({ method: 'PATCH', url: `/v1/products/${product.id}`, headers: { ...AUTH, 'if-match': '"1"' }, payload: { priceMinor: 1 } }), 412, 'VERSION_MISMATCH');
    expectEnvelope(await app.inject({ method: 'PATCH', url: `/v1/products/${product.id}`, headers: AUTH, payload: { priceMinor: 1, version: 1 } }), 412, 'VERSION_MISMATCH');
    const viaBody = await app.inject({ method: 'PATCH', url: `/v1/products/${product.id}`, headers: AUTH, payload: { stock: 3, version: 2 } });
    expect(viaBody.json()).toMatchObject({ stock: 3, version: 3 });
  });

  it('sets imageUrl to null and moves categories', async () => {
    const product = await createProductVia(app, { imageUrl: 'https://img.example.com/a.jpg' });
    const response = await app.inject({ method: 'PATCH', url: `/v1/products/${product.id}`, headers: { ...AUTH, 'if-match': '*' }, payload: { imageUrl: null, category: 'elsewhere' } });
    expect(response.json()).toMatchObject({ imageUrl: null, category: 'elsewhere' });
  });

  it('rejects bad input with a 4xx envelope', async () => {
    const product = await createProductVia(app);
    const url = `/v1/products/${product.id}`;
    expectEnvelope(await app.inject({ method: 'PATCH', url, headers: { ...AUTH, 'if-match': '*' }, payload: {} }), 400, 'VALIDATION_FAILED');
    expectEnvelope(await app.inject({ method: 'PATCH', url, headers: { ...AUTH, 'if-match': '*' }, payload: { stock: -5 } }), 400, 'VALIDATION_FAILED');
    expectEnvelope(await app.inject({ method: 'PATCH', url, headers: { ...AUTH, 'if-match': '*' }, payload: { sku: 'NEW-SKU' } }), 400, 'VALIDATION_FAILED');
    expectEnvelope(await app.inject({ method: 'PATCH', url, headers: { ...AUTH, 'if-match': 'banana' }, payload: { stock: 1 } }), 400, 'VALIDATION_FAILED');
    expectEnvelope(await app.inject({ method: 'PATCH', url, headers: { ...AUTH, 'if-match': '"1"' }, payload: { stock: 1, version: 2 } }), 400, 'VALIDATION_FAILED');
    expectEnvelope(await app.inject({ method: 'PATCH', url: '/v1/products/3f0c1b9e-1111-4abc-8def-0123456789ab', headers: { ...AUTH, 'if-match': '*' }, payload: { stock: 1 } }), 404, 'NOT_FOUND');
  });
});

describe('DELETE /v1/products/:id', () => {
  it('honours If-Match, then deletes with 204, then 404', async () => {
    const product = await createProductVia(app);
    const url = `/v1/products/${product.id}`;
    expectEnvelope(await app.inject({ method: 'DELETE', url, headers: { ...AUTH, 'if-match': '"7"' } }), 412, 'VERSION_MISMATCH');
    const deleted = await app.inject({ method: 'DELETE', url, headers: { ...AUTH, 'if-match': '"1"' } });
    expect(deleted.statusCode).toBe(204);
    expectEnvelope(await app.inject({ url }), 404, 'NOT_FOUND');
    expectEnvelope(await app.inject({ method: 'DELETE', url, headers: { ...AUTH, 'if-match': '*' } }), 404, 'NOT_FOUND');
  });
});

describe('POST /v1/products/bulk', () => {
  it('applies price and stock changes to many products in one go', async () => {
    const a = await createProductVia(app);
    const b = await createProductVia(app);
    const response = await app.inject({
      method: 'POST',
      url: '/v1/products/bulk',
      headers: AUTH,
      payload: { items: [{ id: a.id, priceMinor: 111 }, { id: b.id, stock: 77, version: 1 }] },
    });
    expect(response.statusCode).toBe(200);
    const { items } = response.json<{ items: Product[] }>();
    expect(items.map((p) => [p.id, p.priceMinor, p.stock, p.version])).toEqual([
      [a.id, 111, a.stock, 2],
      [b.id, b.priceMinor, 77, 2],
    ]);
  });

  it('is all or nothing: one stale or missing item leaves every product untouched', async () => {
    const a = await createProductVia(app);
    const b = await createProductVia(app);
    const stale = await app.inject({
      method: 'POST',
      url: '/v1/products/bulk',
      headers: AUTH,
      payload: { items: [{ id: a.id, priceMinor: 1 }, { id: b.id, priceMinor: 2, version: 9 }] },
    });
    expect(expectEnvelope(stale, 412, 'VERSION_MISMATCH').details?.[0]?.field).toBe('body.items[1].version');
    const missing = await app.inject({
      method: 'POST',
      url: '/v1/products/bulk',
      headers: AUTH,
      payload: { items: [{ id: a.id, priceMinor: 1 }, { id: '3f0c1b9e-1111-4abc-8def-0123456789ab', priceMinor: 2 }] },
    });
    expectEnvelope(missing, 404, 'NOT_FOUND');
    const after = (await app.inject({ url: `/v1/products/${a.id}` })).json<Product>();
    expect(after).toMatchObject({ priceMinor: a.priceMinor, version: 1 });
  });

  it('rejects duplicates, empty items and negative stock', async () => {
    const a = await createProductVia(app);
    expectEnvelope(await app.inject({ method: 'POST', url: '/v1/products/bulk', headers: AUTH, payload: { items: [{ id: a.id, stock: 1 }, { id: a.id, stock: 2 }] } }), 400, 'VALIDATION_FAILED');
    expectEnvelope(await app.inject({ method: 'POST', url: '/v1/products/bulk', headers: AUTH, payload: { items: [] } }), 400, 'VALIDATION_FAILED');
    const negative = expectEnvelope(await app.inject({ method: 'POST', url: '/v1/products/bulk', headers: AUTH, payload: { items: [{ id: a.id, stock: -1 }] } }), 400, 'VALIDATION_FAILED');
    expect(negative.details?.[0]?.field).toBe('body.items[0].stock');
  });
});

describe('GET /v1/products (listing)', () => {
  let listing: FastifyInstance;
  const category = 'listing-test';

  beforeAll(async () => {
    listing = app;
    for (let i = 0; i < 25; i++) {
      await createProductVia(listing, {
        category,
        name: `${i % 2 === 0 ? 'Wireless' : 'Wired'} Headphones ${String(i).padStart(2, '0')}`,
        priceMinor: 1_000 + (i % 5) * 100,
        stock: i % 4 === 0 ? 0 : 5,
      });
    }
  });

  const list = async (query: string) => {
    const response = await listing.inject({ url: `/v1/products?${query}` });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['x-event-seq']).toMatch(/^\d+$/);
    return response.json<ProductPage>();
  };

  async function collectAll(query: string, from: string | null = null): Promise<Product[]> {
    const seen: Product[] = [];
    let cursor = from;
    do {
      const page: ProductPage = await list(`${query}${cursor === null ? '' : `&cursor=${cursor}`}`);
      seen.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor !== null);
    return seen;
  }

  it.each(['newest', 'price_asc', 'price_desc', 'name_asc', 'name_desc'])('pages through every product exactly once, sorted by %s', async (sort) => {
    const all = await collectAll(`category=${category}&limit=4&sort=${sort}`);
    expect(all).toHaveLength(25);
    expect(new Set(all.map((p) => p.id)).size).toBe(25);
    const keys = all.map((p) => (sort.startsWith('price') ? p.priceMinor : sort.startsWith('name') ? p.name : p.createdAt));
    const sorted = [...keys].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
    if (sort.endsWith('desc') || sort === 'newest') sorted.reverse();
    expect(keys).toEqual(sorted);
  });

  it('keeps a cursor stable while rows are inserted before it', async () => {
    const first = await list(`category=${category}&limit=5&sort=price_asc`);
    await createProductVia(listing, { category, priceMinor: 1 });
    const rest = await collectAll(`category=${category}&limit=5&sort=price_asc`, first.nextCursor);
    const ids = [...first.items, ...rest].map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(25);
  });

  it('filters by price range, stock and text', async () => {
    const cheap = await collectAll(`category=${category}&minPrice=1100&maxPrice=1200&limit=100`);
    expect(cheap.length).toBeGreaterThan(0);
    expect(cheap.every((p) => p.priceMinor >= 1100 && p.priceMinor <= 1200)).toBe(true);
    const outOfStock = await collectAll(`category=${category}&inStock=false&limit=100`);
    expect(outOfStock.every((p) => p.stock === 0)).toBe(true);
    expect(outOfStock.length).toBeGreaterThan(0);
    const wireless = await collectAll(`category=${category}&q=wirel&limit=100`);
    expect(wireless.length).toBeGreaterThan(0);
    expect(wireless.every((p) => p.name.startsWith('Wireless'))).toBe(true);
    expect((await list(`category=${category}&q=${encodeURIComponent('!!!')}`)).items).toEqual([]);
  });

  it('rejects a cursor used with other filters, a forged cursor and bad query values', async () => {
    const page = await list(`category=${category}&limit=2&sort=price_asc`);
    const reuse = await listing.inject({ url: `/v1/products?category=${category}&limit=2&sort=price_desc&cursor=${page.nextCursor}` });
    expectEnvelope(reuse, 400, 'BAD_CURSOR');
    const forged = Buffer.from(JSON.stringify({ f: 'x', k: 1, i: 'y' })).toString('base64url');
    expectEnvelope(await listing.inject({ url: `/v1/products?cursor=${forged}` }), 400, 'BAD_CURSOR');
    expectEnvelope(await listing.inject({ url: '/v1/products?cursor=@@@' }), 400, 'VALIDATION_FAILED');
    expectEnvelope(await listing.inject({ url: '/v1/products?cursor=bm90LWpzb24' }), 400, 'BAD_CURSOR');
    expectEnvelope(await listing.inject({ url: '/v1/products?limit=1000' }), 400, 'VALIDATION_FAILED');
    expectEnvelope(await listing.inject({ url: '/v1/products?sort=random' }), 400, 'VALIDATION_FAILED');
    expectEnvelope(await listing.inject({ url: '/v1/products?color=red' }), 400, 'VALIDATION_FAILED');
    expectEnvelope(await listing.inject({ url: '/v1/products?minPrice=-1' }), 400, 'VALIDATION_FAILED');
  });
});

describe('routing', () => {
  it('answers unknown routes with the 404 envelope, and a wrong method on a known path with 405', async () => {
    expectEnvelope(await app.inject({ url: '/v2/nothing' }), 404, 'NOT_FOUND');
    expectEnvelope(await app.inject({ method: 'PUT', url: '/v1/products' }), 405, 'METHOD_NOT_ALLOWED');
  });
});
