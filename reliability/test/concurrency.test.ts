import { randomUUID } from 'node:crypto';
import { type BuiltApp, createTestBackends, skipWithoutBuilds, type TestBackends } from '@livecart/local-services/testing';
import pg from 'pg';
import { OrderSchema, type Product } from '@livecart/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { raceIfMatchUpdates, type IfMatchAttempt } from '../src/concurrency/if-match-race.js';
import { runOrderStorm, type OrderOutcome } from '../src/concurrency/order-storm.js';
import { sampleStock } from '../src/concurrency/stock-sampler.js';
import { envelopeOf, http } from '../src/launch/http.js';
import { seedProduct } from '../src/launch/seed-product.js';
import { startApis } from '../src/launch/start-api.js';
import { createSuiteKey } from '../src/launch/suite-key.js';

/**
 * Real HTTP against two built api instances sharing one database: concurrent orders never oversell,
 * retries with one Idempotency-Key make one order, and concurrent If-Match writes let exactly one win.
 */

const ORDERS = 1_000;
const STOCK = 25;
const KEY_EVERY = 2;
const DUPLICATE_EVERY = 10;
const KEY_REUSE_PAIRS = 20;
const WRITERS = 50;

const skip = skipWithoutBuilds('concurrency', ['api']);
let apiKey: string;

describe.skipIf(skip)('concurrency across two api instances on one database', () => {
  let backends: TestBackends;
  let apis: BuiltApp[];
  let db: pg.Pool;
  const apiUrls = () => apis.map((api) => api.url);

  beforeAll(async () => {
    backends = await createTestBackends({ label: 'rel-concurrency' });
    apiKey = await createSuiteKey(backends.databaseUrl);
    // One client address sends every request here: the per-IP limits would refuse the storm itself.
    apis = await startApis(2, { backends, env: { RATE_LIMIT_ENABLED: 'false' } });
    db = new pg.Pool({ connectionString: backends.databaseUrl, max: 2 });
  });

  afterAll(async () => {
    await Promise.all((apis ?? []).map((api) => api.stop()));
    await db?.end();
    await backends?.close();
  });

  describe(`${ORDERS} concurrent one-unit orders against a stock of ${STOCK}`, () => {
    let product: Product;
    let outcomes: OrderOutcome[];
    let stockSamples: number[];

    beforeAll(async () => {
      product = await seedProduct(apis[0]!.url, apiKey, { stock: STOCK });
      const sampler = await sampleStock(backends.databaseUrl, product.id);
      const started = performance.now();
      outcomes = await runOrderStorm({ apiUrls: apiUrls(), productId: product.id, orders: ORDERS, keyEvery: KEY_EVERY, duplicateEvery: DUPLICATE_EVERY });
      const elapsed = performance.now() - started;
      stockSamples = await sampler.stop();
      const answered = outcomes.flatMap((outcome) => outcome.sends.map((send) => send.answeredAfterMs)).sort((a, b) => a - b);
      const at = (q: number) => Math.round(answered[Math.min(answered.length - 1, Math.floor(q * answered.length))]!);
      console.log(
        `[concurrency] ${answered.length} order requests (${ORDERS} orders) over 2 instances in ${(elapsed / 1000).toFixed(2)} s ` +
          `(answered after: median ${at(0.5)} ms, p99 ${at(0.99)} ms, last ${at(1)} ms); ${stockSamples.length} stock samples`,
      );
    });

    it('answers every request 201 or 409: nothing fails for lack of capacity', () => {
      const unexpected = outcomes.flatMap((o) => o.sends).filter((send) => send.result.status !== 201 && send.result.status !== 409);
      expect(unexpected.map((send) => `${send.result.status} ${send.result.text.slice(0, 200)}`)).toEqual([]);
    });

    it('sells exactly the stock: 25 orders of one unit in Postgres, the same 25 the clients were told of, and 0 left', async () => {
      const winners = outcomes.filter((o) => o.sends[0]!.result.status === 201);
      expect(winners).toHaveLength(STOCK);
      const toldIds = new Set(winners.map((o) => OrderSchema.parse(o.sends[0]!.result.json).id));
      expect(toldIds.size).toBe(STOCK);

      const { rows } = await db.query<{ order_id: string; quantity: number }>('SELECT order_id, quantity FROM order_items WHERE product_id = $1', [product.id]);
      expect(rows.reduce((sum, row) => sum + row.quantity, 0)).toBe(STOCK);
      expect(new Set(rows.map((row) => row.order_id))).toEqual(toldIds);
      const { rows: orders } = await db.query<{ count: number }>('SELECT count(*)::int AS count FROM orders');
      expect(orders[0]!.count).toBe(STOCK);
      const { rows: stock } = await db.query<{ stock: number }>('SELECT stock FROM products WHERE id = $1', [product.id]);
      expect(stock[0]!.stock).toBe(0);
    });

    it('never shows a negative stock, and the CHECK constraint refuses one', async () => {
      expect(stockSamples.length).toBeGreaterThan(0);
      expect(Math.min(...stockSamples)).toBeGreaterThanOrEqual(0);
      expect(stockSamples.at(-1)).toBe(0);

      const { rows } = await db.query<{ definition: string }>(
        "SELECT pg_get_constraintdef(oid) AS definition FROM pg_constraint WHERE conrelid = 'products'::regclass AND contype = 'c'",
      );
      expect(rows.map((row) => row.definition)).toContain('CHECK ((stock >= 0))');
      await expect(db.query('UPDATE products SET stock = stock - 1 WHERE id = $1', [product.id])).rejects.toMatchObject({ code: '23514' });
    });

    it('answers every losing order 409 OUT_OF_STOCK in the error envelope, naming the line', () => {
      const losers = outcomes.flatMap((o) => o.sends).filter((send) => send.result.status === 409);
      expect(losers.length).toBeGreaterThanOrEqual(ORDERS - STOCK);
      for (const send of losers) {
        const envelope = envelopeOf(send.result);
        expect(envelope).toMatchObject({ statusCode: 409, error: 'Conflict', code: 'OUT_OF_STOCK' });
        expect(envelope.message).toMatch(/stock/);
      }
    });

    it('gives both copies of a retried order, sent at once to the two instances, the same answer', () => {
      const duplicated = outcomes.filter((o) => o.sends.length === 2);
      expect(duplicated).toHaveLength(ORDERS / DUPLICATE_EVERY);
      for (const { sends, key } of duplicated) {
        const [first, second] = sends as [OrderOutcome['sends'][0], OrderOutcome['sends'][0]];
        expect(new Set([first.instance, second.instance]), key).toEqual(new Set([0, 1]));
        expect(second.result.status, key).toBe(first.result.status);
        expect(second.result.json, key).toEqual(first.result.json);
        if (first.result.status === 201) {
          // The one that lost the race for the key got the stored order back, and says so.
          const replayed = sends.filter((send) => send.result.headers.get('idempotent-replayed') === 'true');
          expect(replayed, key).toHaveLength(1);
        }
      }
      expect(duplicated.some((o) => o.sends[0]!.result.status === 201) || duplicated.every((o) => o.sends[0]!.result.status === 409)).toBe(true);
    });
  });

  it(`refuses a key reused with another body (${KEY_REUSE_PAIRS} pairs sent at once, one per instance) with 422: one order per key`, async () => {
    const product = await seedProduct(apis[0]!.url, apiKey, { stock: 1_000 });
    const order = (quantity: number) => ({ items: [{ productId: product.id, quantity }] });
    const send = (instance: number, key: string, quantity: number) =>
      http(`${apiUrls()[instance]}/v1/orders`, { method: 'POST', headers: { 'idempotency-key': key }, body: order(quantity) });

    const keys = Array.from({ length: KEY_REUSE_PAIRS }, () => `reuse-${randomUUID()}`);
    const pairs = await Promise.all(keys.map((key) => Promise.all([send(0, key, 1), send(1, key, 2)])));
    const orderIds: string[] = [];
    for (const [i, pair] of pairs.entries()) {
      const statuses = pair.map((result) => result.status).sort();
      expect(statuses, keys[i]).toEqual([201, 422]);
      const refused = pair.find((result) => result.status === 422)!;
      expect(envelopeOf(refused)).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', details: [{ field: 'headers.idempotency-key' }] });
      orderIds.push(OrderSchema.parse(pair.find((result) => result.status === 201)!.json).id);
    }

    // Later too, on either instance: another body is refused, the winning body gets its order back.
    const [key] = keys as [string];
    const winner = OrderSchema.parse(pairs[0]!.find((result) => result.status === 201)!.json);
    const winningQuantity = winner.items[0]!.quantity;
    for (const instance of [0, 1]) {
      expect(envelopeOf(await send(instance, key, 3)).code).toBe('IDEMPOTENCY_KEY_REUSED');
      const retry = await send(instance, key, winningQuantity);
      expect(retry.status).toBe(201);
      expect(OrderSchema.parse(retry.json).id).toBe(winner.id);
    }

    const { rows } = await db.query<{ order_id: string }>('SELECT order_id FROM order_items WHERE product_id = $1', [product.id]);
    expect(new Set(rows.map((row) => row.order_id))).toEqual(new Set(orderIds));
  });

  it(`lets exactly one of ${WRITERS} concurrent PATCHes naming the same If-Match version win; the rest get 412`, async () => {
    const product = await seedProduct(apis[0]!.url, apiKey);
    const attempts = await raceIfMatchUpdates({
      apiUrls: apiUrls(),
      apiKey,
      productId: product.id,
      version: product.version,
      writers: WRITERS,
      priceOf: (writer) => 10_000 + writer,
    });
    const winners = attempts.filter((attempt) => attempt.result.status >= 200 && attempt.result.status < 300);
    expect(winners).toHaveLength(1);
    const winner = winners[0] as IfMatchAttempt;
    expect(winner.result.json).toMatchObject({ version: product.version + 1, priceMinor: winner.priceMinor });
    expect(new Set(attempts.map((attempt) => attempt.writer % 2))).toEqual(new Set([0, 1]));
    for (const attempt of attempts.filter((a) => a !== winner)) {
      expect(attempt.result.status).toBe(412);
      expect(envelopeOf(attempt.result)).toMatchObject({ statusCode: 412, code: 'VERSION_MISMATCH' });
    }

    const { rows } = await db.query<{ version: number; price_minor: number }>('SELECT version, price_minor::int AS price_minor FROM products WHERE id = $1', [product.id]);
    expect(rows[0]).toEqual({ version: product.version + 1, price_minor: winner.priceMinor });
    const { rows: events } = await db.query<{ count: number }>(
      "SELECT count(*)::int AS count FROM outbox WHERE type = 'product.updated' AND data->>'id' = $1",
      [product.id],
    );
    expect(events[0]!.count).toBe(1);
  });
});
