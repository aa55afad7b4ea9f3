import {
  CategoryRepriceSchema,
  REPRICE_MAX_PRODUCTS,
  type CategoryRepriceInput, type CategoryRepriceResult, type ErrorEnvelope, type Product } from '@livecart/schemas';
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUTH, createProductVia, createTestContext, testPool, type TestContext } from './helpers.js';

let ctx: TestContext;
let app: FastifyInstance;
let db: pg.Pool;
let categoryCounter = 0;

interface OpenApiOperation {
  operationId: string;
  security: unknown[];
  requestBody: { content: Record<string, { examples: Record<string, { value: unknown }> }> };
  responses: Record<string, unknown>;
}

beforeAll(async () => {
  ctx = await createTestContext('reprice');
  // Events stay in the outbox, where the test reads them.
  app = await ctx.app({ OUTBOX_RELAY_ENABLED: 'false', API_DOCS_ENABLED: 'true' });
  db = testPool(ctx.databaseUrl);
});
afterAll(async () => {
  await db.end();
  await ctx.close();
});

/** A category of the test's own holding products at these prices (EUR unless given). */
async function categoryWith(prices: number[], currency: Product['currency'] = 'EUR'): Promise<{ category: string; products: Product[] }> {
  const category = `reprice-${++categoryCounter}`;
  const products: Product[] = [];
  for (const priceMinor of prices) products.push(await createProductVia(app, { category, priceMinor, currency }));
  return { category, products };
}

function reprice(payload: unknown, headers: Record<string, string> = AUTH) {
  return app.inject({ method: 'POST', url: '/v1/products/reprice', headers, payload: payload as CategoryRepriceInput });
}

async function snapshot(category: string): Promise<Array<{ id: string; price: number; version: number }>> {
  const { rows } = await db.query<{ id: string; price: string; version: number }>('SELECT id, price_minor AS price, version FROM products WHERE category = $1 ORDER BY id', [category]);
  return rows.map((row) => ({ ...row, price: Number(row.price) }));
}

async function eventsFor(ids: readonly string[]): Promise<Array<{ type: string; topics: string[]; data: Product }>> {
  const { rows } = await db.query<{ type: string; topics: string[]; data: Product }>(
    "SELECT type, topics, data FROM outbox WHERE data->>'id' = ANY($1::text[]) AND type <> 'product.created' ORDER BY seq",
    [ids],
  );
  return rows;
}

function expectRefusal(response: { statusCode: number; json: () => unknown }, statusCode: number, code: string, field: string): ErrorEnvelope {
  expect(response.statusCode, JSON.stringify(response.json())).toBe(statusCode);
  const body = response.json() as ErrorEnvelope;
  expect(body).toMatchObject({ statusCode, code });
  expect(body.details?.map((detail) => detail.field)).toContain(field);
  return body;
}

describe('POST /v1/products/reprice', () => {
  it('changes every price in the category by a percentage, bumps each version, and emits one event per product with its new price', async () => {
    const { category, products } = await categoryWith([1_000, 999, 2_000]);
    const other = await createProductVia(app, { category: `${category}-other`, priceMinor: 1_000 });
    const response = await reprice({ category, change: { kind: 'percent', percent: '2.5' } });
    expect(response.statusCode).toBe(200);
    const result = response.json<CategoryRepriceResult>();
    expect(result).toMatchObject({ category, matched: 3, changed: 3 });
    const expected = new Map([
      [products[0]!.id, 1_025],
      [products[1]!.id, 1_024], // 1023.975, half up
      [products[2]!.id, 2_050],
    ]);
    expect(result.items.map((p) => [p.id, p.priceMinor, p.version])).toEqual([...expected.keys()].sort().map((id) => [id, expected.get(id), 2]));
    expect(await snapshot(category)).toEqual(result.items.map((p) => ({ id: p.id, price: p.priceMinor, version: 2 })));
    expect((await snapshot(`${category}-other`))[0]).toMatchObject({ price: other.priceMinor, version: 1 });

    const events = await eventsFor(products.map((p) => p.id));
    expect(events).toHaveLength(3);
    for (const event of events) {
      expect(event.type).toBe('product.updated');
      expect(event.data.priceMinor).toBe(expected.get(event.data.id));
      expect(event.data.version).toBe(2);
      expect(event.topics).toEqual([`product:${event.data.id}`, `category:${category}`, 'catalog']);
    }
    // Readers see the new price and ETag at once (the write went through the cache).
    const read = await app.inject({ url: `/v1/products/${products[0]!.id}` });
    expect(read.headers.etag).toBe('"2"');
    expect(read.json<Product>().priceMinor).toBe(1_025);
  });

  it('rounds as asked, and leaves alone (no new version, no event) a product whose price does not move', async () => {
    const { category, products } = await categoryWith([5, 1, 15]);
    const response = await reprice({ category, change: { kind: 'percent', percent: '10' }, rounding: 'half_even' });
    const result = response.json<CategoryRepriceResult>();
    // 5.5 → 6 and 16.5 → 16 (halves to even); 1.1 → 1 does not move.
    expect(result).toMatchObject({ matched: 3, changed: 2 });
    const prices = new Map(result.items.map((p) => [p.id, p.priceMinor]));
    expect(prices).toEqual(new Map([[products[0]!.id, 6], [products[2]!.id, 16]]));
    const unchanged = (await snapshot(category)).find((row) => row.id === products[1]!.id);
    expect(unchanged).toMatchObject({ price: 1, version: 1 });
    expect((await eventsFor([products[1]!.id])).length).toBe(0);
  });

  it('adds a signed amount in the named currency', async () => {
    const { category } = await categoryWith([1_000, 250]);
    const result = (await reprice({ category, change: { kind: 'amount', amountMinor: -249, currency: 'EUR' } })).json<CategoryRepriceResult>();
    expect(result.items.map((p) => p.priceMinor).sort((a, b) => a - b)).toEqual([1, 751]);
  });

  it('is all or nothing: a failure on one row after others were rewritten changes nothing and emits nothing', async () => {
    const { category, products } = await categoryWith([100, 200, 300, 400]);
    const before = await snapshot(category);
    const last = before.at(-1)!.id;
    // Fails the UPDATE when it reaches the last row in lock order, after the others were rewritten.
    await db.query(`
      CREATE FUNCTION fail_reprice() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'injected failure'; END $$`);
    await db.query(`CREATE TRIGGER fail_reprice BEFORE UPDATE ON products FOR EACH ROW WHEN (NEW.id = '${last}') EXECUTE FUNCTION fail_reprice()`);
    try {
      const response = await reprice({ category, change: { kind: 'percent', percent: '10' } });
      expect(response.statusCode).toBe(500);
      expect(response.json<ErrorEnvelope>().code).toBe('INTERNAL');
    } finally {
      await db.query('DROP TRIGGER fail_reprice ON products; DROP FUNCTION fail_reprice()');
    }
    expect(await snapshot(category)).toEqual(before);
    expect(await eventsFor(products.map((p) => p.id))).toEqual([]);
    // With the fault gone the same request goes through.
    expect((await reprice({ category, change: { kind: 'percent', percent: '10' } })).json<CategoryRepriceResult>().changed).toBe(4);
  });

  it('computes from a price a concurrent write committed while it waited for the lock', async () => {
    const { category, products } = await categoryWith([1_000, 2_000]);
    const writer = await db.connect();
    try {
      await writer.query('BEGIN');
      await writer.query('UPDATE products SET price_minor = 3000 WHERE id = $1', [products[1]!.id]);
      const pending = reprice({ category, change: { kind: 'percent', percent: '-10' } });
      // The reprice is blocked on the row lock: nothing of it is visible yet.
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect((await snapshot(category)).map((row) => row.price).sort((a, b) => a - b)).toEqual([1_000, 2_000]);
      await writer.query('COMMIT');
      const result = (await pending).json<CategoryRepriceResult>();
      expect(new Map(result.items.map((p) => [p.id, p.priceMinor]))).toEqual(new Map([[products[0]!.id, 900], [products[1]!.id, 2_700]]));
    } finally {
      writer.release();
    }
  });

  it('runs beside concurrent PATCHes without deadlock or a lost update', async () => {
    const { category, products } = await categoryWith(Array.from({ length: 20 }, () => 1_000));
    const patches = products.map((p) => app.inject({ method: 'PATCH', url: `/v1/products/${p.id}`, headers: { ...AUTH, 'if-match': '*' }, payload: { stock: 3 } }));
    const responses = await Promise.all([reprice({ category, change: { kind: 'percent', percent: '10' } }), ...patches]);
    expect(responses.map((r) => r.statusCode)).toEqual(responses.map(() => 200));
    const rows = await snapshot(category);
    expect(rows.every((row) => row.price === 1_100 && row.version === 3)).toBe(true);
  });

  it('reprices a category of 5,000 products in one request: every price, every version, one event each', async () => {
    const category = `reprice-large-${++categoryCounter}`;
    const size = 5_000;
    await db.query(
      `INSERT INTO products (sku, name, description, category, price_minor, currency, stock)
       SELECT 'LARGE-' || $2 || '-' || i, 'Large ' || i, '', $1, 1000 + i, 'EUR', 1 FROM generate_series(1, $3::int) AS i`,
      [category, categoryCounter, size],
    );
    const started = performance.now();
    const response = await reprice({ category, change: { kind: 'percent', percent: '-10' }, expectedCount: size });
    const elapsedMs = performance.now() - started;
    expect(response.statusCode).toBe(200);
    expect(response.json<CategoryRepriceResult>()).toMatchObject({ matched: size, changed: size });
    const { rows } = await db.query<{ stale: number; events: number }>(
      `SELECT (SELECT count(*)::int FROM products WHERE category = $1 AND (version <> 2 OR price_minor <> round((1000 + substring(sku from '[0-9]+$')::int) * 0.9))) AS stale,
              (SELECT count(*)::int FROM outbox WHERE data->>'category' = $1 AND type = 'product.updated') AS events`,
      [category],
    );
    expect(rows[0]).toEqual({ stale: 0, events: size });
    // The figure bench/README.md quotes (it is re-measured by running this test alone).
    console.info(`reprice of ${size} products: ${Math.round(elapsedMs)} ms`);
  });

  it('is documented in the OpenAPI document, with request examples, the admin credential and the error envelope', async () => {
    const document = (await app.inject({ url: '/docs/json' })).json<{ paths: Record<string, Record<string, OpenApiOperation>> }>();
    const operation = document.paths['/v1/products/reprice']?.post as OpenApiOperation;
    expect(operation).toMatchObject({ operationId: 'repriceCategory', security: [{ staffSession: ['editor'] }, { apiKey: ['catalog:write'] }] });
    const examples = Object.values(operation.requestBody.content['application/json']?.examples ?? {});
    expect(examples.length).toBeGreaterThan(0);
    for (const { value } of examples) expect(CategoryRepriceSchema.safeParse(value).success).toBe(true);
    expect(Object.keys(operation.responses)).toEqual(['200', '400', '401', '403', '404', '409', '413', '415', '422', '429', '500', '503', 'default']);
  });

  describe('refusals: a 4xx envelope naming the field, and nothing changes', () => {
    it.each<[string, (category: string) => unknown, number, string, string]>([
      ['a price that would reach zero', (category) => ({ category, change: { kind: 'percent', percent: '-100' } }), 422, 'VALIDATION_FAILED', 'body.change.percent'],
      ['a price over the maximum', (category) => ({ category, change: { kind: 'amount', amountMinor: 1_000_000_000_000, currency: 'EUR' } }), 422, 'VALIDATION_FAILED', 'body.change.amountMinor'],
      ['an amount in another currency', (category) => ({ category, change: { kind: 'amount', amountMinor: 5, currency: 'USD' } }), 422, 'VALIDATION_FAILED', 'body.change.currency'],
      ['a count other than expected', (category) => ({ category, change: { kind: 'percent', percent: '5' }, expectedCount: 3 }), 409, 'CONFLICT', 'body.expectedCount'],
      ['a float percent', (category) => ({ category, change: { kind: 'percent', percent: 5.5 } }), 400, 'VALIDATION_FAILED', 'body.change.percent'],
      ['an unknown rounding', (category) => ({ category, change: { kind: 'percent', percent: '5' }, rounding: 'bankers' }), 400, 'VALIDATION_FAILED', 'body.rounding'],
      ['an unknown field', (category) => ({ category, change: { kind: 'percent', percent: '5' }, dryRun: true }), 400, 'VALIDATION_FAILED', 'body.dryRun'],
      ['a bad category slug', () => ({ category: 'Not A Slug', change: { kind: 'percent', percent: '5' } }), 400, 'VALIDATION_FAILED', 'body.category'],
      ['a category with no products', (category) => ({ category: `${category}-empty`, change: { kind: 'percent', percent: '5' } }), 404, 'NOT_FOUND', 'body.category'],
    ])('%s', async (_label, body, statusCode, code, field) => {
      const { category, products } = await categoryWith([1_000, 1]);
      const before = await snapshot(category);
      expectRefusal(await reprice(body(category)), statusCode, code, field);
      expect(await snapshot(category)).toEqual(before);
      expect(await eventsFor(products.map((p) => p.id))).toEqual([]);
    });

    it('names each product that cannot take the change', async () => {
      const { category, products } = await categoryWith([100, 1_000, 50]);
      const body = expectRefusal(await reprice({ category, change: { kind: 'amount', amountMinor: -100, currency: 'EUR' } }), 422, 'VALIDATION_FAILED', 'body.change.amountMinor');
      expect(body.details).toHaveLength(2);
      const skus = [products[0]!.sku, products[2]!.sku];
      for (const sku of skus) expect(body.details!.some((detail) => detail.message.includes(sku))).toBe(true);
    });

    it('needs the admin token', async () => {
      const { category } = await categoryWith([1_000]);
      const body = { category, change: { kind: 'percent', percent: '5' } };
      expect((await reprice(body, {})).statusCode).toBe(401);
      expect((await reprice(body, { authorization: 'Bearer not-the-admin-token-at-all' })).statusCode).toBe(403);
      expect((await snapshot(category))[0]).toMatchObject({ price: 1_000, version: 1 });
    });

    it(`refuses a category of more than ${REPRICE_MAX_PRODUCTS} products`, async () => {
      const category = `reprice-huge-${++categoryCounter}`;
      await db.query(
        `INSERT INTO products (sku, name, description, category, price_minor, currency, stock)
         SELECT 'HUGE-' || $2 || '-' || i, 'Huge ' || i, '', $1, 1000, 'EUR', 1 FROM generate_series(1, $3::int) AS i`,
        [category, categoryCounter, REPRICE_MAX_PRODUCTS + 1],
      );
      expectRefusal(await reprice({ category, change: { kind: 'percent', percent: '5' } }), 422, 'VALIDATION_FAILED', 'body.category');
      const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM products WHERE category = $1 AND version > 1', [category]);
      expect(rows[0]!.n).toBe(0);
    });
  });
});
