import type { ErrorEnvelope, Product, ProductPage } from '@livecart/schemas';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUTH, createProductVia, createTestContext, productInput, type TestContext } from './helpers.js';

let ctx: TestContext;
let app: FastifyInstance;

beforeAll(async () => {
  ctx = await createTestContext('http-semantics');
  app = await ctx.app();
});
afterAll(() => ctx.close());

function envelope(response: LightMyRequestResponse, statusCode: number, code: string): ErrorEnvelope {
  expect(response.statusCode, response.body).toBe(statusCode);
  const body = response.json<ErrorEnvelope>();
  expect(body).toMatchObject({ statusCode, code });
  return body;
}

async function current(id: string): Promise<Product | undefined> {
  const response = await app.inject({ url: `/v1/products/${id}` });
  return response.statusCode === 200 ? response.json<Product>() : undefined;
}

const patch = (id: string, headers: Record<string, string>, payload: object = { priceMinor: 777 }) =>
  app.inject({ method: 'PATCH', url: `/v1/products/${id}`, headers: { ...AUTH, ...headers }, payload });
const remove = (id: string, headers: Record<string, string>) => app.inject({ method: 'DELETE', url: `/v1/products/${id}`, headers: { ...AUTH, ...headers } });

describe('If-Match on product writes', () => {
  it('compares strongly: a weak tag of the current version is 412 and changes nothing', async () => {
    const product = await createProductVia(app);
    const body = envelope(await patch(product.id, { 'if-match': `W/"${product.version}"` }), 412, 'VERSION_MISMATCH');
    expect(body.details?.[0]?.field).toBe('version');
    envelope(await remove(product.id, { 'if-match': `W/"${product.version}"` }), 412, 'VERSION_MISMATCH');
    expect(await current(product.id)).toEqual(product);
  });

  it('matches a list when any strong tag is the current version', async () => {
    const product = await createProductVia(app);
    const updated = await patch(product.id, { 'if-match': `"9", W/"8", "${product.version}"` });
    expect(updated.statusCode, updated.body).toBe(200);
    expect(updated.json<Product>()).toMatchObject({ priceMinor: 777, version: product.version + 1 });
    envelope(await patch(product.id, { 'if-match': `"${product.version}", "99"` }), 412, 'VERSION_MISMATCH');
    expect((await current(product.id))?.version).toBe(product.version + 1);
    const deleted = await remove(product.id, { 'if-match': `"1", "${product.version + 1}"` });
    expect(deleted.statusCode).toBe(204);
    expect(await current(product.id)).toBeUndefined();
  });

  it('takes * as any existing version, and a missing product stays 404', async () => {
    const product = await createProductVia(app);
    expect((await patch(product.id, { 'if-match': '*' })).statusCode).toBe(200);
    expect((await remove(product.id, { 'if-match': '*' })).statusCode).toBe(204);
    envelope(await patch(product.id, { 'if-match': '*' }), 404, 'NOT_FOUND');
  });

  it('answers a malformed header 400 naming it, and changes nothing', async () => {
    const product = await createProductVia(app);
    for (const bad of ['3', `"${product.version}`, `"${product.version}" "2"`, `W/"x", *`, 'W/']) {
      const body = envelope(await patch(product.id, { 'if-match': bad }), 400, 'VALIDATION_FAILED');
      expect(body.details?.[0]?.field, bad).toBe('headers.if-match');
    }
    envelope(await remove(product.id, { 'if-match': 'nope' }), 400, 'VALIDATION_FAILED');
    expect(await current(product.id)).toEqual(product);
  });
});

describe('428 Precondition Required', () => {
  it('refuses PATCH and DELETE without a precondition, with a hint, and changes nothing', async () => {
    const product = await createProductVia(app);
    const body = envelope(await patch(product.id, {}), 428, 'PRECONDITION_REQUIRED');
    expect(body.details).toEqual([{ field: 'headers.if-match', message: 'is required' }]);
    expect(body.message).toMatch(/If-Match/);
    expect(body.message).toMatch(/Prefer: last-writer-wins/);
    envelope(await remove(product.id, {}), 428, 'PRECONDITION_REQUIRED');
    expect(await current(product.id)).toEqual(product);
  });

  it('counts body.version as the precondition', async () => {
    const product = await createProductVia(app);
    expect((await patch(product.id, {}, { stock: 5, version: product.version })).statusCode).toBe(200);
  });

  it('lets Prefer: last-writer-wins through, saying so with Preference-Applied', async () => {
    const product = await createProductVia(app);
    const updated = await patch(product.id, { prefer: 'return=representation, last-writer-wins' });
    expect(updated.statusCode, updated.body).toBe(200);
    expect(updated.headers['preference-applied']).toBe('last-writer-wins');
    expect(updated.json<Product>().priceMinor).toBe(777);
    const deleted = await remove(product.id, { prefer: 'last-writer-wins' });
    expect(deleted.statusCode).toBe(204);
    expect(deleted.headers['preference-applied']).toBe('last-writer-wins');
  });

  it('applies If-Match over the preference when both are sent', async () => {
    const product = await createProductVia(app);
    const refused = await patch(product.id, { prefer: 'last-writer-wins', 'if-match': '"99"' });
    envelope(refused, 412, 'VERSION_MISMATCH');
    expect(refused.headers['preference-applied']).toBeUndefined();
  });

  it('documents 412 and 428 on the conditional writes', () => {
    const document = app.swagger() as unknown as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };
    for (const method of ['patch', 'delete']) {
      expect(Object.keys(document.paths['/v1/products/{id}']?.[method]?.responses ?? {})).toEqual(expect.arrayContaining(['412', '428']));
    }
  });
});

describe('If-None-Match on GET and HEAD', () => {
  it('compares weakly, takes lists and *, and ignores a malformed header', async () => {
    const product = await createProductVia(app);
    const url = `/v1/products/${product.id}`;
    for (const header of [`W/"${product.version}"`, `"0", "${product.version}"`, '*']) {
      expect((await app.inject({ url, headers: { 'if-none-match': header } })).statusCode, header).toBe(304);
      expect((await app.inject({ method: 'HEAD', url, headers: { 'if-none-match': header } })).statusCode, header).toBe(304);
    }
    expect((await app.inject({ url, headers: { 'if-none-match': '"0", W/"12"' } })).statusCode).toBe(200);
    expect((await app.inject({ url, headers: { 'if-none-match': 'garbage' } })).statusCode).toBe(200);
  });
});

describe('empty query parameters', () => {
  it('treats ?q= as no q, and other empty optional parameters as absent', async () => {
    await createProductVia(app);
    const plain = await app.inject({ url: '/v1/products?limit=50' });
    expect(plain.statusCode).toBe(200);
    for (const query of ['q=&limit=50', 'limit=50&q', 'q=&category=&cursor=&minPrice=&inStock=&sort=&limit=50']) {
      const response = await app.inject({ url: `/v1/products?${query}` });
      expect(response.statusCode, `${query}: ${response.body}`).toBe(200);
      expect(response.json<ProductPage>(), query).toEqual(plain.json<ProductPage>());
    }
    envelope(await app.inject({ url: '/v1/products?q=%20%20' }), 400, 'VALIDATION_FAILED');
  });
});

describe('405 Method Not Allowed', () => {
  it('answers a known path with a wrong method 405, Allow, and the envelope', async () => {
    const product = await createProductVia(app);
    const put = await app.inject({ method: 'PUT', url: `/v1/products/${product.id}`, headers: AUTH, payload: productInput() });
    expect(envelope(put, 405, 'METHOD_NOT_ALLOWED').message).toMatch(/PUT/);
    expect(put.headers.allow).toBe('GET, HEAD, PATCH, DELETE, OPTIONS');
    const collection = await app.inject({ method: 'DELETE', url: '/v1/products/' });
    envelope(collection, 405, 'METHOD_NOT_ALLOWED');
    expect(collection.headers.allow).toBe('GET, HEAD, POST, OPTIONS');
    const health = await app.inject({ method: 'POST', url: '/health' });
    envelope(health, 405, 'METHOD_NOT_ALLOWED');
    expect(health.headers.allow).toBe('GET, HEAD, OPTIONS');
    expect(await current(product.id)).toEqual(product);
  });

  it('keeps 404 for unknown paths and preflights as they were', async () => {
    const unknown = await app.inject({ method: 'PUT', url: '/v1/nothing-here' });
    envelope(unknown, 404, 'NOT_FOUND');
    expect(unknown.headers.allow).toBeUndefined();
    const preflight = await app.inject({
      method: 'OPTIONS',
      url: '/v1/products',
      headers: { origin: 'http://localhost:3000', 'access-control-request-method': 'PATCH' },
    });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('http://localhost:3000');
  });

  it('answers HEAD on every GET route', () => {
    const document = app.swagger() as { paths: Record<string, Record<string, unknown>> };
    const gets = Object.entries(document.paths)
      .filter(([, operations]) => operations.get !== undefined)
      .map(([path]) => path.replace(/\{(\w+)\}/g, ':$1'));
    expect(gets.length).toBeGreaterThan(10);
    for (const url of gets) expect(app.hasRoute({ method: 'HEAD', url }), url).toBe(true);
  });

  it('answers HEAD with the GET headers and no body', async () => {
    const product = await createProductVia(app);
    const head = await app.inject({ method: 'HEAD', url: `/v1/products/${product.id}` });
    expect(head.statusCode).toBe(200);
    expect(head.headers.etag).toBe(`"${product.version}"`);
    expect(head.body).toBe('');
  });
});

describe('RateLimit and RateLimit-Policy', () => {
  const service = (response: LightMyRequestResponse) => String(response.headers.ratelimit);

  it('count down on reads, and the 429 carries them with Retry-After at the same moment', async () => {
    const limited = await ctx.app({ RATE_LIMIT_READ_MAX: '3', REDIS_PREFIX: `${ctx.prefix}:rl-read` });
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await limited.inject({ url: '/v1/products?limit=1' }));
    expect(answers.map((answer) => answer.statusCode)).toEqual([200, 200, 200, 429]);
    for (const answer of answers) expect(answer.headers['ratelimit-policy']).toBe('"read";q=3;w=60');
    expect(answers.map((answer) => /;r=(\d+);/.exec(service(answer))?.[1])).toEqual(['2', '1', '0', '0']);
    for (const answer of answers) expect(service(answer)).toMatch(/^"read";r=\d+;t=([1-9]|[1-5]\d|60)$/);
    const refused = answers[3]!;
    envelope(refused, 429, 'RATE_LIMITED');
    expect(service(refused)).toBe(`"read";r=0;t=${refused.headers['retry-after']}`);
    // The product route, apart from the others, counts against the same budget.
    const product = await limited.inject({ url: '/v1/products/3f0c1b9e-1111-4abc-8def-0123456789ab' });
    expect(product.statusCode).toBe(429);
    expect(service(product)).toMatch(/^"read";r=0;t=\d+$/);
  });

  it('name the write policy on writes, and the order policies beside it on order writes', async () => {
    const limited = await ctx.app({ RATE_LIMIT_WRITE_MAX: '50', RATE_LIMIT_ORDER_MAX: '2', REDIS_PREFIX: `${ctx.prefix}:rl-write` });
    const product = await createProductVia(limited);
    const write = await limited.inject({ method: 'PATCH', url: `/v1/products/${product.id}`, headers: { ...AUTH, 'if-match': '*' }, payload: { stock: 50 } });
    expect(write.headers['ratelimit-policy']).toBe('"write";q=50;w=60');
    expect(service(write)).toMatch(/^"write";r=48;t=\d+$/);
    const order = () => limited.inject({ method: 'POST', url: '/v1/orders', payload: { items: [{ productId: product.id, quantity: 1 }] } });
    const answers = [await order(), await order(), await order()];
    expect(answers.map((answer) => answer.statusCode)).toEqual([201, 201, 429]);
    expect(answers[0]!.headers['ratelimit-policy']).toBe('"write";q=50;w=60, "order";q=2;w=60');
    expect(service(answers[0]!)).toMatch(/^"write";r=47;t=\d+, "order";r=1;t=\d+$/);
    expect(service(answers[2]!)).toMatch(new RegExp(`^"write";r=45;t=\\d+, "order";r=0;t=${answers[2]!.headers['retry-after']}$`));
  });

  it('are left off unlimited routes and allow-listed addresses', async () => {
    expect((await app.inject({ url: '/health' })).headers.ratelimit).toBeUndefined();
    const allowed = await ctx.app({ RATE_LIMIT_ALLOW_LIST: '127.0.0.1', REDIS_PREFIX: `${ctx.prefix}:rl-allow` });
    expect((await allowed.inject({ url: '/v1/products?limit=1' })).headers.ratelimit).toBeUndefined();
  });

  it('are documented on limited routes, with the 429', () => {
    type Response = { $ref?: string; headers?: Record<string, unknown> };
    const document = app.swagger() as unknown as { paths: Record<string, Record<string, { responses: Record<string, Response> }>>; components: { responses: Record<string, Response> } };
    // A response may be a reference to a named one (`#/components/responses/TooManyRequests`); header names are case-insensitive.
    const headersOf = (response: Response | undefined) => {
      const resolved = response?.$ref === undefined ? response : document.components.responses[response.$ref.split('/').at(-1)!];
      return Object.keys(resolved?.headers ?? {}).map((name) => name.toLowerCase());
    };
    const list = document.paths['/v1/products']?.get?.responses;
    expect(headersOf(list?.['200'])).toEqual(expect.arrayContaining(['ratelimit', 'ratelimit-policy']));
    expect(headersOf(list?.['429'])).toEqual(expect.arrayContaining(['retry-after', 'ratelimit', 'ratelimit-policy']));
  });
});
