import type { OrderPlaced, Product } from '@livecart/schemas';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUTH, createProductVia, createTestContext, orderAuth, productInput, type TestContext } from './helpers.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import ajvFormats from 'ajv-formats';
import { EventBodies } from '../src/webhooks/event-bodies.js';
import { laneMessages } from '../src/webhooks/lane-messages.js';
import { conformance, type Exchange } from './openapi-conformance.js';

type Json = Record<string, unknown>;
type Operation = Json & { operationId?: string; security?: unknown[]; responses: Record<string, Json>; requestBody?: { content: Record<string, { schema: Json }> } };

let ctx: TestContext;
let app: FastifyInstance;
let document: Json & { paths: Record<string, Record<string, Operation>>; components: Record<string, Record<string, Json>>; servers: { url: string }[] };

const operations = () => Object.entries(document.paths).flatMap(([path, item]) => Object.entries(item).map(([method, operation]) => ({ key: `${method.toUpperCase()} ${path}`, method, operation })));

beforeAll(async () => {
  ctx = await createTestContext('openapi-document');
  app = await ctx.app({ API_DOCS_ENABLED: 'true', API_PUBLIC_URL: 'https://api.shop.example/' });
  document = (await app.inject({ url: '/docs/json' })).json();
});
afterAll(() => ctx.close());

describe('the OpenAPI document', () => {
  it('gives every operation a unique camelCase operationId, a summary, tags and `security` (empty when public)', () => {
    const ids = operations().map(({ operation }) => operation.operationId);
    expect(ids.filter((id) => !/^[a-z][A-Za-z0-9]*$/.test(id ?? ''))).toEqual([]);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { key, operation } of operations()) {
      expect(Array.isArray(operation.security), key).toBe(true);
      expect(operation.summary, key).toEqual(expect.any(String));
      expect(operation.tags, key).toEqual([expect.any(String)]);
    }
    expect(document.paths['/v1/products/{id}']?.get?.security).toEqual([]);
    expect(document.paths['/v1/products/{id}']?.patch?.security).toEqual([{ staffSession: ['editor'] }, { apiKey: ['catalog:write'] }]);
    expect(document.servers).toEqual([{ url: 'https://api.shop.example', description: expect.any(String) }]);
  });

  it('refers to named components for every body and JSON answer, and describes the currency enum once', () => {
    for (const { key, operation } of operations()) {
      const body = operation.requestBody?.content['application/json']?.schema;
      if (body !== undefined) expect(Object.keys(body), `${key} body`).toEqual(['$ref']);
      for (const [status, response] of Object.entries(operation.responses)) {
        const schema = (response.content as Record<string, { schema: Json }> | undefined)?.['application/json']?.schema;
        if (schema !== undefined) expect(Object.keys(schema), `${key} ${status}`).toEqual(['$ref']);
      }
    }
    expect(Object.keys(document.components.schemas ?? {})).toEqual(expect.arrayContaining(['Product', 'Order', 'Cart', 'ErrorEnvelope', 'Currency']));
    expect(JSON.stringify(document).match(/"enum":\["AED"/g)).toHaveLength(1);
  });

  it('promises no response that it will not grow: no `additionalProperties: false` on anything a response holds', () => {
    const reached = new Set<string>();
    const visit = (value: unknown): void => {
      if (Array.isArray(value)) return value.forEach(visit);
      if (typeof value !== 'object' || value === null) return;
      for (const [key, item] of Object.entries(value)) {
        if (key === '$ref' && typeof item === 'string' && !reached.has(item)) {
          reached.add(item);
          let target: unknown = document;
          for (const part of item.slice(2).split('/')) target = (target as Json)[part];
          visit(target);
        } else visit(item);
      }
    };
    for (const { operation } of operations()) visit(operation.responses);
    expect(reached).toContain('#/components/schemas/Product');
    for (const ref of reached) {
      let target: unknown = document;
      for (const part of ref.slice(2).split('/')) target = (target as Json)[part];
      expect(JSON.stringify(target), ref).not.toContain('"additionalProperties":false');
    }
  });

  it('lists each status a route can answer, derived from its access, parameters, preconditions and rate limit', () => {
    const statuses = (method: string, path: string) => Object.keys(document.paths[path]?.[method]?.responses ?? {});
    expect(statuses('patch', '/v1/products/{id}')).toEqual(['200', '400', '401', '403', '404', '409', '412', '413', '415', '428', '429', '500', '503', 'default']);
    expect(statuses('get', '/v1/products/{id}')).toEqual(['200', '304', '400', '404', '429', '500', '503', 'default']);
    expect(statuses('post', '/v1/orders')).toEqual(['201', '400', '409', '413', '415', '422', '429', '500', '503', 'default']);
    expect(statuses('get', '/health')).toEqual(['200', '400', '500', 'default']);
    const unauthorized = document.components.responses?.Unauthorized as { headers: Json };
    expect(Object.keys(unauthorized.headers)).toEqual(['WWW-Authenticate', 'RateLimit', 'RateLimit-Policy']);
    // The probes are not rate-limited: their refusals do not claim RateLimit fields.
    expect(document.paths['/health']?.get?.responses['500']).toEqual({ description: expect.any(String), content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorEnvelope' } } } });
  });

  it('describes HEAD, /metrics, and the request headers a client sends (If-None-Match, If-Match, Idempotency-Key)', () => {
    const head = document.paths['/v1/products/{id}']?.head;
    expect(head?.operationId).toBe('getProductHead');
    expect(head?.responses['200']?.content).toBeUndefined();
    expect(Object.keys(head?.responses['200']?.headers as Json)).toEqual(['ETag', 'X-Event-Seq', 'X-Event-Epoch', 'RateLimit', 'RateLimit-Policy']);
    expect(document.paths['/metrics']?.get?.responses['200']?.content).toEqual({ 'text/plain': { schema: { type: 'string' } } });
    const headerNames = (method: string, path: string) =>
      ((document.paths[path]?.[method]?.parameters as Json[] | undefined) ?? [])
        .map((parameter) => (typeof parameter.$ref === 'string' ? document.components.parameters?.[parameter.$ref.split('/').at(-1)!] : parameter) as Json)
        .filter((parameter) => parameter.in === 'header')
        .map((parameter) => parameter.name);
    expect(headerNames('get', '/v1/products/{id}')).toEqual(['if-none-match']);
    expect(headerNames('patch', '/v1/products/{id}')).toEqual(['if-match', 'prefer']);
    expect(headerNames('post', '/v1/orders')).toEqual(['idempotency-key']);
    expect(document.paths['/v1/products']?.options).toBeUndefined();
  });
});

describe('the webhook deliveries in the document', () => {
  it('describes each delivery with its signature headers, and the bodies the worker builds validate against it', async () => {
    const webhooks = document.webhooks as Record<string, { post: Operation & { parameters: { name: string }[] } }>;
    expect(Object.keys(webhooks).sort()).toEqual(['batch', 'event']);
    for (const { post } of Object.values(webhooks)) {
      expect(post.parameters.map((parameter) => parameter.name)).toEqual(['webhook-id', 'webhook-timestamp', 'webhook-signature']);
      expect(post.security).toEqual([]);
    }
    const product = await createProductVia(app);
    const row = { seq: 7, type: 'product.updated', topics: ['catalog', `product:${product.id}`], data: product, actor: null, occurredAt: new Date().toISOString() };
    const epoch = '6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b';
    const target = { id: product.id, eventTypes: null, topics: null };
    const [single] = laneMessages({ ...target, maxBatchSize: 1 }, epoch, [row], new EventBodies());
    const [batch] = laneMessages({ ...target, maxBatchSize: 10 }, epoch, [row, { ...row, seq: 8 }], new EventBodies());
    const reset = { type: 'webhook.reset', epoch, afterSeq: 6, reason: 'epoch' };

    const ajv = new Ajv2020({ strict: false });
    ajvFormats.default(ajv);
    ajv.addSchema({ ...document, $id: 'openapi.json' });
    const valid = (name: string, body: unknown) => ajv.validate({ $ref: `openapi.json#/webhooks/${name}/post/requestBody/content/application~1json/schema` }, body);
    expect(valid('event', JSON.parse(String(single?.body)))).toBe(true);
    expect(valid('event', reset)).toBe(true);
    expect(valid('batch', JSON.parse(String(batch?.body)))).toBe(true);
    expect(valid('batch', reset)).toBe(true);
    // It can fail: a batch is no event, an event no batch, and a batch holds events only.
    expect(valid('event', JSON.parse(String(batch?.body)))).toBe(false);
    expect(valid('batch', JSON.parse(String(single?.body)))).toBe(false);
    expect(valid('batch', { type: 'webhook.batch', events: [reset] })).toBe(false);
  });
});

describe('answers of the API, checked against its document', () => {
  const exchanges: Exchange[] = [];
  const send = async (options: InjectOptions & { url: string }) => {
    const response = await app.inject(options);
    exchanges.push({ method: options.method ?? 'GET', url: options.url, statusCode: response.statusCode, headers: response.headers, body: response.body });
    return response;
  };

  it('match the document: every status listed, every header a client relies on documented, every JSON body valid', async () => {
    const product = await createProductVia(app);
    exchanges.push({ method: 'POST', url: '/v1/products', statusCode: 201, headers: { location: `/v1/products/${product.id}`, etag: `"${product.version}"` }, body: JSON.stringify(product) });
    await send({ method: 'POST', url: '/v1/products', headers: AUTH, payload: productInput({ sku: product.sku }) });
    const got = await send({ url: `/v1/products/${product.id}` });
    expect(got.headers.etag).toBe(`"${product.version}"`);
    expect(got.headers['x-event-seq']).toBeDefined();
    await send({ url: `/v1/products/${product.id}`, headers: { 'if-none-match': String(got.headers.etag) } });
    await send({ method: 'HEAD', url: `/v1/products/${product.id}` });
    await send({ url: '/v1/products/00000000-0000-4000-8000-000000000000' });
    await send({ url: '/v1/products?limit=2' });
    await send({ url: '/v1/products?limit=many' });
    await send({ method: 'PATCH', url: `/v1/products/${product.id}`, headers: { ...AUTH, 'if-match': '"99"' }, payload: { stock: 3 } });
    await send({ method: 'PATCH', url: `/v1/products/${product.id}`, headers: AUTH, payload: { stock: 3 } });
    const overwritten = await send({ method: 'PATCH', url: `/v1/products/${product.id}`, headers: { ...AUTH, prefer: 'last-writer-wins' }, payload: { stock: 4 } });
    expect(overwritten.headers['preference-applied']).toBe('last-writer-wins');
    product.version = overwritten.json<Product>().version;
    const patched = await send({ method: 'PATCH', url: `/v1/products/${product.id}`, headers: { ...AUTH, 'if-match': `"${product.version}"` }, payload: { stock: 3 } });
    expect(patched.statusCode).toBe(200);
    await send({ method: 'PATCH', url: `/v1/products/${product.id}`, payload: { stock: 3 } });
    await send({ method: 'PATCH', url: `/v1/products/${product.id}`, headers: { authorization: 'Bearer not-a-key-of-ours' }, payload: { stock: 3 } });
    await send({ method: 'POST', url: '/v1/products', headers: { ...AUTH, 'content-type': 'text/plain' }, payload: 'a mug' });

    const idempotency = { 'idempotency-key': `openapi-${product.id}` };
    const placed = await send({ method: 'POST', url: '/v1/orders', headers: idempotency, payload: { items: [{ productId: product.id, quantity: 1 }] } });
    const replay = await send({ method: 'POST', url: '/v1/orders', headers: idempotency, payload: { items: [{ productId: product.id, quantity: 1 }] } });
    expect(replay.headers['idempotent-replayed']).toBe('true');
    await send({ method: 'POST', url: '/v1/orders', headers: idempotency, payload: { items: [{ productId: product.id, quantity: 2 }] } });
    await send({ method: 'POST', url: '/v1/orders', payload: { items: [{ productId: product.id, quantity: 1_000 }] } });
    const order = placed.json<OrderPlaced>();
    await send({ url: `/v1/orders/${order.id}`, headers: orderAuth(order.accessToken) });
    await send({ url: `/v1/orders/${order.id}` });

    const opened = await send({ method: 'POST', url: '/v1/carts' });
    const cookie = String(opened.headers['set-cookie']).split(';')[0]!;
    const cartId = opened.json<{ id: string }>().id;
    await send({ url: `/v1/carts/${cartId}`, headers: { cookie } });
    await send({ method: 'POST', url: `/v1/carts/${cartId}/lines`, headers: { cookie }, payload: { productId: product.id, quantity: 1 } });
    const refused = await send({ method: 'POST', url: '/v1/checkout', headers: { cookie }, payload: { expectedTotalMinor: 1 } });
    expect(refused.statusCode).toBe(409);
    await send({ method: 'POST', url: '/v1/checkout', headers: { cookie }, payload: { expectedTotalMinor: refused.json<{ cart: { totalMinor: number } }>().cart.totalMinor } });
    await send({ url: '/v1/customers/me/orders', headers: { cookie } });
    await send({ method: 'POST', url: '/v1/auth/login', payload: { email: 'nobody@shop.example', password: 'not the password at all' } });
    await send({ method: 'POST', url: '/v1/products/bulk', headers: AUTH, payload: { items: [{ id: product.id, stock: 5 }] } });
    await send({ method: 'POST', url: `/v1/orders/${order.id}/cancel`, headers: orderAuth(order.accessToken) });
    await send({ method: 'POST', url: `/v1/orders/${order.id}/payment`, headers: orderAuth(order.accessToken), payload: { cardNumber: '4242424242424242' } });
    await send({ method: 'POST', url: `/v1/orders/${order.id}/fulfil`, headers: AUTH });
    await send({ method: 'POST', url: '/v1/realtime/tokens', payload: { topics: [`order:${order.id}`] } });
    await send({ method: 'POST', url: '/v1/realtime/tokens', headers: orderAuth(order.accessToken), payload: { topics: [`order:${order.id}`] } });
    await send({ method: 'POST', url: '/v1/payments/webhooks/test', payload: {} });
    await send({ method: 'POST', url: '/v1/payments/webhooks/test', headers: { 'webhook-id': 'msg_1', 'webhook-timestamp': String(Math.floor(Date.now() / 1000)), 'webhook-signature': 'v1,Zm9yZ2Vk' }, payload: {} });
    await send({ url: '/v1/staff-users' });
    await send({ url: '/v1/staff-users', headers: AUTH });
    await send({ url: '/v1/audit?limit=2', headers: AUTH });
    await send({ url: '/v1/webhook-endpoints', headers: AUTH });
    await send({ method: 'POST', url: '/v1/webhook-endpoints', headers: AUTH, payload: { url: 'http://10.0.0.1/hooks' } });
    await send({ url: `/v1/webhook-endpoints/${product.id}/deliveries`, headers: AUTH });
    await send({ url: '/v1/auth/session' });
    await send({ method: 'POST', url: '/v1/auth/logout' });
    const email = `openapi-${product.id.slice(0, 8)}@shop.example`;
    const signedUp = await send({ method: 'POST', url: '/v1/customers', headers: { cookie }, payload: { email, password: 'a long enough password 42' } });
    const customer = String(signedUp.headers['set-cookie']).split(';')[0]!;
    await send({ method: 'POST', url: '/v1/customers', headers: { cookie: customer }, payload: { email, password: 'a long enough password 42' } });
    await send({ url: '/v1/customer-auth/session', headers: { cookie: customer } });
    await send({ url: '/v1/customers/me/orders', headers: { cookie: customer } });
    await send({ method: 'POST', url: '/v1/customer-auth/logout', headers: { cookie: customer } });
    await send({ method: 'POST', url: '/v1/customer-auth/login', headers: { cookie }, payload: { email, password: 'not the password' } });
    await send({ method: 'DELETE', url: `/v1/products/${product.id}`, headers: { ...AUTH, 'if-match': '*' } });
    for (const url of ['/health', '/ready', '/metrics']) await send({ url });

    const limited = await ctx.app({ API_DOCS_ENABLED: 'true', RATE_LIMIT_READ_MAX: '1' });
    for (let i = 0; i < 2; i++) {
      const response = await limited.inject({ url: '/v1/products?limit=1' });
      exchanges.push({ method: 'GET', url: '/v1/products?limit=1', statusCode: response.statusCode, headers: response.headers, body: response.body });
    }

    const statuses = new Set(exchanges.map((exchange) => exchange.statusCode));
    expect([...statuses].sort()).toEqual(expect.arrayContaining([200, 201, 204, 304, 400, 401, 403, 404, 409, 412, 415, 422, 428, 429]));
    // Most operations are exercised (HEAD twins and a few staff writes aside).
    expect(new Set(exchanges.map(({ method, url }) => `${method} ${new URL(url, 'http://x').pathname.replace(/[0-9a-f-]{36}/g, '{id}')}`)).size).toBeGreaterThan(30);
    const check = conformance(document);
    expect(exchanges.flatMap(check)).toEqual([]);
  });

  it('are refused by the check when the document leaves something out (it can fail)', () => {
    const product = { id: '0b6f2a1e-3c4d-4e5f-8a9b-0c1d2e3f4a5b' } as Partial<Product>;
    const stripped = structuredClone(document);
    delete (stripped.paths['/v1/products/{id}']!.get!.responses['200'] as Json).headers;
    delete stripped.paths['/v1/products/{id}']!.get!.responses['404'];
    const check = conformance(stripped);
    const get = { method: 'GET', url: `/v1/products/${product.id}` };
    expect(check({ ...get, statusCode: 200, headers: { etag: '"1"' }, body: '{}' })).toEqual([
      'GET /v1/products/{id} → 200: header etag is not documented',
      expect.stringMatching(/^GET \/v1\/products\/\{id\} → 200: the body does not match its schema: .*must have required property 'id'/),
    ]);
    expect(check({ ...get, statusCode: 404, headers: {}, body: '{}' })).toEqual(['GET /v1/products/{id} → 404: the status is not documented']);
  });
});
