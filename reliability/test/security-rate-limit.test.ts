import { type BuiltApp, createTestBackends, roomInWindow, skipWithoutBuilds, type TestBackends } from '@livecart/local-services/testing';
import pg from 'pg';
import type { Product } from '@livecart/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envelopeOf, type HttpCall, type HttpResult } from '../src/launch/http.js';
import { seedProduct } from '../src/launch/seed-product.js';
import { startApis } from '../src/launch/start-api.js';
import { runLockstepRounds, type RoundSend } from '../src/security/lockstep-rounds.js';
import { LoopbackClient } from '../src/security/loopback-client.js';
import { admittedBound } from '../src/security/rate-limit-bound.js';
import { createSuiteKey } from '../src/launch/suite-key.js';

/**
 * Per-IP rate limits hold across two api instances that share counts through Redis: from one client
 * address, hammering both, the cluster admits no more than the limit plus the sync slack derived in
 * src/security/rate-limit-bound.ts, and every refusal is a 429 with Retry-After and the envelope.
 * Each check uses its own loopback address (127.0.0.x), so their budgets never mix.
 */

/** Fixed windows aligned to the epoch: a long one means a run almost never has to wait for the next. */
const WINDOW_MS = 3_600_000;
const SYNC_MS = 100;
const SYNC_SLOP_MS = 100;
const READ_MAX = 100;
const WRITE_MAX = 60;
const PAUSE_MS = 25;
/** Rounds at the end of a paced run in which nothing may be admitted any more. */
const QUIET_ROUNDS = 20;
/** Generous: a paced run takes about 2 s on an idle machine. */
const RUN_BUDGET_MS = 15_000;

const skip = skipWithoutBuilds('security-rate-limit', ['api']);
let apiKey: string;

describe.skipIf(skip)('rate limits across two api instances sharing Redis', () => {
  let backends: TestBackends;
  let apis: BuiltApp[];
  let db: pg.Pool;
  let product: Product;
  const clients: LoopbackClient[] = [];
  const client = (address: string) => {
    const created = new LoopbackClient(address);
    clients.push(created);
    return created;
  };

  beforeAll(async () => {
    backends = await createTestBackends({ label: 'rel-rate-limit' });
    apiKey = await createSuiteKey(backends.databaseUrl);
    apis = await startApis(2, {
      backends,
      env: {
        RATE_LIMIT_WINDOW_MS: String(WINDOW_MS),
        RATE_LIMIT_SYNC_MS: String(SYNC_MS),
        RATE_LIMIT_READ_MAX: String(READ_MAX),
        RATE_LIMIT_WRITE_MAX: String(WRITE_MAX),
        // Orders have limits of their own (per address and per shopper session, tested in the api's suite):
        // lifted here, so the orders this suite sends count against the write limit alone.
        RATE_LIMIT_ORDER_MAX: '1000000000',
        RATE_LIMIT_SHOPPER_ORDER_MAX: '1000000000',
        // An allow-list that does not hold loopback: every 127.0.0.x client is limited.
        RATE_LIMIT_ALLOW_LIST: '192.0.2.10',
      },
    });
    db = new pg.Pool({ connectionString: backends.databaseUrl, max: 2 });
    product = await seedProduct(apis[0]!.url, apiKey, { stock: 100_000 });
  });

  afterAll(async () => {
    for (const created of clients) created.close();
    await Promise.all((apis ?? []).map((api) => api.stop()));
    await db?.end();
    await backends?.close();
  });

  const read = (http: LoopbackClient) => (instance: number) => http.send(`${apis[instance]!.url}/v1/products/${product.id}`);
  const order = (http: LoopbackClient) => (instance: number) =>
    http.send(`${apis[instance]!.url}/v1/orders`, { method: 'POST', body: { items: [{ productId: product.id, quantity: 1 }] } } satisfies HttpCall);
  const ordersPlaced = async () =>
    (await db.query<{ count: number }>('SELECT count(*)::int AS count FROM order_items WHERE product_id = $1', [product.id])).rows[0]!.count;

  /** Every refusal is a 429 with a Retry-After (seconds, within the window) and the RATE_LIMITED envelope. */
  function expectRefusals(results: HttpResult[], windowEndsAt: number, startedAt: number): void {
    const latest = Math.ceil((windowEndsAt - startedAt) / 1000) + 1;
    for (const result of results.filter((r) => r.status === 429)) {
      const retryAfter = Number(result.headers.get('retry-after'));
      expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= latest, `Retry-After ${result.headers.get('retry-after')}`).toBe(true);
      expect(envelopeOf(result)).toMatchObject({ statusCode: 429, code: 'RATE_LIMITED' });
    }
  }

  async function pacedRun(label: string, max: number, perInstance: number, send: (instance: number) => Promise<HttpResult>, okStatus: number) {
    const { bound, slack, unshared } = admittedBound({ max, instances: 2, syncMs: SYNC_MS, syncSlopMs: SYNC_SLOP_MS, perInstancePerRound: perInstance, pauseMs: PAUSE_MS });
    const rounds = Math.ceil(bound / (2 * perInstance)) + QUIET_ROUNDS;
    const { windowEndsAt } = await roomInWindow(WINDOW_MS, RUN_BUDGET_MS);
    const startedAt = Date.now();
    const sent = await runLockstepRounds({ rounds, instances: 2, perInstance, pauseMs: PAUSE_MS, send });
    if (Date.now() >= windowEndsAt) throw new Error(`the ${label} run outlasted its rate-limit window; raise RUN_BUDGET_MS`);
    const all = sent.flat();
    const admitted = all.filter((s) => s.result.status !== 429);
    console.log(`[rate-limit] ${label}: ${admitted.length} of ${all.length} admitted (limit ${max}, bound ${bound} = limit + slack ${slack}; unshared instances would admit ${unshared})`);
    expect(admitted.map((s) => s.result.status).filter((status) => status !== okStatus)).toEqual([]);
    expect(admitted.length).toBeGreaterThanOrEqual(max);
    expect(admitted.length).toBeLessThanOrEqual(bound);
    // Once both know the cluster total, nothing more gets through on either instance.
    const quiet = sent.slice(-QUIET_ROUNDS).flat();
    expect(quiet.filter((s: RoundSend) => s.result.status !== 429)).toEqual([]);
    expect(new Set(quiet.map((s) => s.instance))).toEqual(new Set([0, 1]));
    expectRefusals(all.map((s) => s.result), windowEndsAt, startedAt);
    return admitted.length;
  }

  async function burst(max: number, requests: number, send: (instance: number) => Promise<HttpResult>, okStatus: number) {
    const { windowEndsAt } = await roomInWindow(WINDOW_MS, RUN_BUDGET_MS);
    const startedAt = Date.now();
    const results = await Promise.all(Array.from({ length: requests }, (_, i) => send(i % 2)));
    const admitted = results.filter((r) => r.status !== 429);
    expect(admitted.map((r) => r.status).filter((status) => status !== okStatus)).toEqual([]);
    // Faster than any sync: each instance may spend the whole limit before it hears of the other.
    expect(admitted.length).toBeGreaterThanOrEqual(max);
    expect(admitted.length).toBeLessThanOrEqual(2 * max);
    // Two sync periods later both instances know the cluster total.
    await new Promise((resolve) => setTimeout(resolve, 2 * (SYNC_MS + SYNC_SLOP_MS) + SYNC_MS));
    const after = await Promise.all(Array.from({ length: 20 }, (_, i) => send(i % 2)));
    expect(after.map((r) => r.status)).toEqual(after.map(() => 429));
    if (Date.now() >= windowEndsAt) throw new Error('the burst outlasted its rate-limit window; raise RUN_BUDGET_MS');
    expectRefusals([...results, ...after], windowEndsAt, startedAt);
    return admitted.length;
  }

  it(`holds reads from one IP, paced over both instances, to ${READ_MAX} plus the sync slack`, async () => {
    await pacedRun('paced reads', READ_MAX, 2, read(client('127.0.0.2')), 200);
  });

  it(`holds writes from one IP, paced over both instances, to ${WRITE_MAX} plus the sync slack; refused orders were not placed`, async () => {
    const before = await ordersPlaced();
    const admitted = await pacedRun('paced writes', WRITE_MAX, 1, order(client('127.0.0.3')), 201);
    expect((await ordersPlaced()) - before).toBe(admitted);
  });

  it(`admits at most twice the limit to a burst faster than a sync, then refuses on both instances (reads)`, async () => {
    const admitted = await burst(READ_MAX, 300, read(client('127.0.0.4')), 200);
    console.log(`[rate-limit] read burst: ${admitted} of 300 admitted (limit ${READ_MAX}, hard bound ${2 * READ_MAX})`);
  });

  it(`admits at most twice the limit to a burst faster than a sync, then refuses on both instances (writes)`, async () => {
    const before = await ordersPlaced();
    const admitted = await burst(WRITE_MAX, 200, order(client('127.0.0.5')), 201);
    expect((await ordersPlaced()) - before).toBe(admitted);
    console.log(`[rate-limit] write burst: ${admitted} of 200 admitted (limit ${WRITE_MAX}, hard bound ${2 * WRITE_MAX})`);
  });
});
