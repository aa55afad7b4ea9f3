import { waitUntil } from '@livecart/local-services/testing';
import type { ErrorEnvelope } from '@livecart/schemas';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AUTH, createProductVia, createTestContext, type TestContext } from './helpers.js';

let ctx: TestContext;
let app: FastifyInstance;

beforeAll(async () => {
  ctx = await createTestContext('operations');
  app = await ctx.app();
});
afterAll(() => ctx.close());

describe('probes', () => {
  it('/health answers without touching dependencies, /ready checks Postgres and Redis', async () => {
    const health = await app.inject({ url: '/health' });
    expect(health.statusCode).toBe(200);
    expect(health.json()).toEqual({ status: 'ok' });
    const ready = await app.inject({ url: '/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready', postgres: 'ok', redis: 'ok' });
  });
});

describe('/metrics', () => {
  it('exposes request latency by route, cache hits and misses by level, and outbox lag', async () => {
    const product = await createProductVia(app);
    await waitUntil(() => (app.events.appliedSeq > 0 ? true : undefined), { what: 'the create event', timeoutMs: 2_000, intervalMs: 20 });
    for (let i = 0; i < 3; i++) await app.inject({ url: `/v1/products/${product.id}` });
    const query = vi.spyOn(app.db, 'query');
    const response = await app.inject({ url: '/metrics' });
    // The three outbox gauges of one scrape come from one read of the outbox.
    const outboxReads = query.mock.calls.filter(([sql]) => typeof sql === 'string' && sql.includes('FROM outbox WHERE published_at IS NULL'));
    query.mockRestore();
    expect(outboxReads).toHaveLength(1);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain/);
    const text = response.body;
    expect(text).toMatch(/http_request_duration_seconds_count\{method="GET",route="\/v1\/products\/:id",status_code="200"\} 3/);
    expect(text).toMatch(/cache_requests_total\{level="l1",result="hit"\} [1-9]/);
    expect(text).toMatch(/cache_requests_total\{level="l1",result="miss"\} [1-9]/);
    expect(text).toMatch(/cache_requests_total\{level="l2",result="(hit|miss)"\} [1-9]/);
    expect(text).toMatch(/^outbox_unpublished_events \d+$/m);
    expect(text).toMatch(/^outbox_oldest_unpublished_age_seconds [\d.e-]+$/m);
    expect(text).toMatch(/^events_applied_seq [1-9]\d*$/m);
    expect(text).toMatch(/^outbox_relay_leader 1$/m);
  });
});

describe('/docs', () => {
  let docsApp: FastifyInstance;
  beforeAll(async () => {
    docsApp = await ctx.app({ API_DOCS_ENABLED: 'true' });
  });

  it('is not served unless API_DOCS_ENABLED (default: development only); the document is still built', async () => {
    for (const url of ['/docs', '/docs/', '/docs/json', '/docs/yaml', '/docs/static/swagger-ui.css']) {
      const answer = await app.inject({ url });
      expect(answer.statusCode, url).toBe(404);
      expect(answer.json<ErrorEnvelope>(), url).toMatchObject({ statusCode: 404, code: 'NOT_FOUND' });
    }
    expect(Object.keys((app.swagger() as { paths: object }).paths)).toContain('/v1/products');
  });

  it('serves the OpenAPI 3.1 document generated from the route schemas, and the interactive page', async () => {
    const json = await docsApp.inject({ url: '/docs/json' });
    expect(json.statusCode).toBe(200);
    const doc = json.json<{ openapi: string; paths: Record<string, Record<string, unknown>> }>();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/v1/products', '/v1/products/{id}', '/v1/products/bulk', '/v1/orders', '/v1/orders/{id}', '/health', '/ready']),
    );
    expect(Object.keys(doc.paths['/v1/products/{id}'] ?? {})).toEqual(expect.arrayContaining(['get', 'patch', 'delete']));
    const page = await docsApp.inject({ url: '/docs/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
  });

  it('serves Swagger UI\'s files (loaded on the first /docs request) with their headers, and refusals as the envelope', async () => {
    const css = await docsApp.inject({ url: '/docs/static/swagger-ui.css' });
    expect(css.statusCode).toBe(200);
    expect(css.headers['content-type']).toMatch(/^text\/css/);
    expect(css.headers['content-security-policy']).toMatch(/frame-ancestors 'self'/);
    const head = await docsApp.inject({ method: 'HEAD', url: '/docs/static/swagger-ui.css' });
    expect(head.headers['content-length']).toBe(String(css.rawPayload.length));
    const again = await docsApp.inject({ url: '/docs/static/swagger-ui.css', headers: { 'if-none-match': String(css.headers.etag) } });
    expect(again.statusCode).toBe(304);
    const missing = await docsApp.inject({ url: '/docs/static/no-such-file.js' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json<ErrorEnvelope>()).toMatchObject({ statusCode: 404, code: 'NOT_FOUND' });
    const outside = await docsApp.inject({ url: '/docs/static/%2e%2e%5c%2e%2e%5cpackage.json' });
    expect(outside.statusCode).toBe(403);
    expect(outside.json<ErrorEnvelope>()).toMatchObject({ statusCode: 403, code: 'FORBIDDEN' });
  });
});

describe('route schemas', () => {
  it('all compile (they compile on first use, so a broken one would otherwise show only when its route is hit)', () => {
    expect(() => app.compileSchemas()).not.toThrow();
  });
});

describe('security headers and CORS', () => {
  it('the hot read sends the same helmet headers as every other route', async () => {
    const product = await createProductVia(app);
    const health = await app.inject({ url: '/health' });
    const read = await app.inject({ url: `/v1/products/${product.id}` });
    const helmetNames = Object.keys(health.headers).filter((name) => /^(content-security-policy|cross-origin|origin-agent|referrer-policy|strict-transport|x-(?!event-seq))/.test(name));
    expect(helmetNames.sort()).toEqual(['content-security-policy', 'x-content-type-options']);
    for (const name of helmetNames) expect(read.headers[name], name).toBe(health.headers[name]);
    const notFound = await app.inject({ url: '/v1/products/3f0c1b9e-1111-4abc-8def-0123456789ab' });
    expect(notFound.headers['x-content-type-options']).toBe('nosniff');
    // /metrics lives outside helmet's scope too.
    const metrics = await app.inject({ url: '/metrics' });
    for (const name of helmetNames) expect(metrics.headers[name], name).toBe(health.headers[name]);
  });

  it('echoes an allowed origin only, on the hot read and elsewhere; answers preflights', async () => {
    const product = await createProductVia(app);
    for (const url of [`/v1/products/${product.id}`, '/v1/products?limit=1']) {
      const allowed = await app.inject({ url, headers: { origin: 'http://localhost:3000' } });
      expect(allowed.headers['access-control-allow-origin']).toBe('http://localhost:3000');
      expect(allowed.headers['access-control-expose-headers']).toContain('x-event-seq');
      const denied = await app.inject({ url, headers: { origin: 'https://evil.example' } });
      expect(denied.headers['access-control-allow-origin']).toBeUndefined();
    }
    // An allowed origin can read the hot read's refusals as well.
    const missing = await app.inject({ url: '/v1/products/3f0c1b9e-1111-4abc-8def-0123456789ab', headers: { origin: 'http://localhost:3000' } });
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['access-control-allow-origin']).toBe('http://localhost:3000');
    const preflight = await app.inject({
      method: 'OPTIONS',
      url: `/v1/products/${product.id}`,
      headers: { origin: 'http://localhost:3000', 'access-control-request-method': 'PATCH', 'access-control-request-headers': 'if-match,authorization' },
    });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-methods']).toContain('PATCH');
  });
});

describe('rate limiting', () => {
  it('answers 429 with Retry-After and the envelope once an IP spends its reads', async () => {
    const limited = await ctx.app({ RATE_LIMIT_READ_MAX: '3', REDIS_PREFIX: `${ctx.prefix}:rl1` });
    const product = await createProductVia(app);
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await limited.inject({ url: `/v1/products/${product.id}` })).statusCode);
    expect(statuses).toEqual([200, 200, 200]);
    const refused = await limited.inject({ url: '/v1/products?limit=1' });
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.json<ErrorEnvelope>()).toMatchObject({ statusCode: 429, code: 'RATE_LIMITED' });
    // Writes have their own budget; probes are not limited.
    const write = await limited.inject({ method: 'PATCH', url: `/v1/products/${product.id}`, headers: { ...AUTH, 'if-match': '*' }, payload: { stock: 2 } });
    expect(write.statusCode).toBe(200);
    expect((await limited.inject({ url: '/health' })).statusCode).toBe(200);
  });

  it('shares counts between instances through Redis', async () => {
    // An hour-long window: windows are fixed on the clock, and one ending mid-test would reset the counts.
    const overrides = { RATE_LIMIT_READ_MAX: '10', RATE_LIMIT_SYNC_MS: '50', RATE_LIMIT_WINDOW_MS: '3600000', REDIS_PREFIX: `${ctx.prefix}:rl2` };
    const first = await ctx.app(overrides);
    const second = await ctx.app(overrides);
    const read = async (app: FastifyInstance) => (await app.inject({ url: '/v1/products?limit=1' })).statusCode;
    // Many sync periods, so that a loaded machine's late timers still complete a round trip to Redis.
    const pause = () => new Promise((resolve) => setTimeout(resolve, 1_000));
    for (let i = 0; i < 8; i++) expect(await read(first)).toBe(200);
    await pause();
    // The second instance learns the cluster total when it shares its own first count.
    expect(await read(second)).toBe(200);
    await pause();
    expect([await read(second), await read(second)]).toEqual([200, 429]);
    await pause();
    // The first instance, idle meanwhile, has read the total back too.
    expect(await read(first)).toBe(429);
  });
});
