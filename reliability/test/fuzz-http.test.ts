import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FuzzReport } from '../src/fuzz/fuzz-report.js';
import { fetchOperations, type Operation } from '../src/fuzz/http/openapi.js';
import { fixedRawCases, sampleRawCases } from '../src/fuzz/http/raw-cases.js';
import { describeRawCase, rawCaseProblems, rawOutcome } from '../src/fuzz/http/raw-checks.js';
import { rawExchange } from '../src/fuzz/http/raw-exchange.js';
import { sampleHttpCases } from '../src/fuzz/http/request-cases.js';
import { responseProblems } from '../src/fuzz/http/response-checks.js';
import type { KnownValues } from '../src/fuzz/http/schema-values.js';
import { describeHttpCase, headBytes, NODE_MAX_HEADER_BYTES, sendHttpCase } from '../src/fuzz/http/send-case.js';
import { runPool } from '../src/fuzz/run-pool.js';
import { fuzzSeed } from '../src/fuzz/seed.js';
import { isAlive, megabytes, missingBuilds, readRssBytes, startServers, watchRss, type TestServers } from '../src/servers/index.js';

/**
 * Hostile HTTP input against the production build of the api: requests derived from its own OpenAPI
 * document (wrong types, missing and extra fields, huge values, unicode edge cases, injections, broken
 * JSON, wrong content types, bad headers, traversal), then framing-level junk on raw sockets. No answer
 * may be a 5xx, every 4xx must be the error envelope, and the server must keep serving in bounded memory.
 */

const missing = missingBuilds(['api', 'realtime']);
if (missing.length > 0) console.log(`[fuzz-http] skipped: build the apps first (pnpm build); missing ${missing.join(', ')}`);

const HTTP_CASES = 10_000;
const GENERATED_RAW_CASES = 600;
const CONCURRENCY = 32;
const RAW_CONCURRENCY = 16;
const REQUEST_TIMEOUT_MS = 30_000;
const RAW_TIMEOUT_MS = 3_000;
/** The api's RSS may grow by at most this much over the whole run (caches, pools and JIT warm up). */
const RSS_GROWTH_LIMIT_BYTES = 100 * 1024 * 1024;

describe.skipIf(missing.length > 0)('hostile HTTP input against the built api', () => {
  const seed = fuzzSeed('fuzz-http');
  let servers: TestServers;
  let known: KnownValues;
  let rssBefore = 0;
  let rssPeak = 0;

  async function call(method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
    const response = await fetch(`${servers.api.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${servers.adminToken}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  }

  async function createProduct(n: number): Promise<string> {
    const sku = `FUZZ-${randomBytes(3).toString('hex').toUpperCase()}-${n}`;
    const created = await call('POST', '/v1/products', { sku, name: `Fuzz target ${n}`, category: 'fuzzing', priceMinor: 1_000 + n, stock: 1_000_000_000 });
    if (created.status !== 201) throw new Error(`creating a product failed with ${created.status}: ${JSON.stringify(created.json)}`);
    return String(created.json.id);
  }

  beforeAll(async () => {
    // The fuzzer must reach validation, not the per-IP limits (a security test covers those).
    servers = await startServers({ label: 'fuzz-http', apiEnv: { RATE_LIMIT_READ_MAX: '1000000000', RATE_LIMIT_WRITE_MAX: '1000000000' } });
    const productIds = await Promise.all(Array.from({ length: 8 }, (_, n) => createProduct(n)));
    const order = await call('POST', '/v1/orders', { items: [{ productId: productIds[0], quantity: 1 }] });
    if (order.status !== 201) throw new Error(`placing an order failed with ${order.status}: ${JSON.stringify(order.json)}`);
    known = { id: [...productIds, String(order.json.id)], productId: productIds, category: ['fuzzing'] };
    rssBefore = await readRssBytes(servers.api.pid);
  });

  afterAll(async () => {
    await servers?.stop();
  });

  it(`answers ${HTTP_CASES} hostile requests derived from the OpenAPI document with no 5xx and the envelope on every 4xx`, async () => {
    const operations: Operation[] = await fetchOperations(`${servers.api.url}/docs/json`);
    expect(operations.map((operation) => operation.id)).toEqual(
      expect.arrayContaining(['GET /v1/products', 'POST /v1/products', 'PATCH /v1/products/{id}', 'DELETE /v1/products/{id}', 'POST /v1/products/bulk', 'POST /v1/orders', 'GET /v1/orders/{id}']),
    );
    const cases = sampleHttpCases(operations, { adminToken: servers.adminToken, known }, HTTP_CASES, seed);
    const report = new FuzzReport('HTTP requests');
    const kinds = new FuzzReport('by mutation');
    const watch = watchRss(servers.api.pid);
    const started = Date.now();
    await runPool(cases, CONCURRENCY, async (httpCase, index) => {
      const outcome = await sendHttpCase(servers.api.url, httpCase, REQUEST_TIMEOUT_MS);
      report.sent++;
      kinds.count(httpCase.kind);
      const where = `request #${index} (FUZZ_SEED=${seed})`;
      if ('error' in outcome) {
        // The parser refuses an oversized head as soon as it passes the limit and closes the connection
        // (as Node itself does); the reset can reach the client before the 431 it was sent.
        if (headBytes(httpCase) > NODE_MAX_HEADER_BYTES) return report.count('reset (head over 16 KiB)');
        report.count('no response');
        report.fail(describeHttpCase(httpCase, where), [`no response: ${outcome.error}`]);
        return;
      }
      report.count(outcome.status);
      const problems = responseProblems(httpCase.method, outcome.status, outcome.body);
      if (problems.length > 0) report.fail(describeHttpCase(httpCase, where), problems);
    });
    watch.stop();
    rssPeak = Math.max(rssPeak, watch.peakBytes);
    console.log(`[fuzz-http] ${report.summary()} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    console.log(`[fuzz-http] mutations: ${kinds.distribution()}`);

    expect(report.failureCount, report.failureText()).toBe(0);
    expect(report.sent).toBe(HTTP_CASES);
    // Limits were raised for this run: a 429 here would mean the fuzzer measured the limiter, not validation.
    expect(report.outcomes.get('429') ?? 0).toBe(0);
    // The run must have reached past authentication and validation, not only bounced off them.
    for (const status of ['200', '201', '400', '401', '403', '404', '413', '415']) expect(report.outcomes.get(status) ?? 0, `responses with status ${status}`).toBeGreaterThan(0);
  });

  it('answers framing-level junk on raw sockets with a 4xx envelope or a closed connection, never a 5xx', async () => {
    const cases = [...fixedRawCases(servers.adminToken), ...sampleRawCases(GENERATED_RAW_CASES, seed)];
    const report = new FuzzReport('raw-socket requests');
    const watch = watchRss(servers.api.pid);
    await runPool(cases, RAW_CONCURRENCY, async (rawCase, index) => {
      const result = await rawExchange({
        host: '127.0.0.1',
        port: servers.api.port,
        steps: rawCase.steps,
        timeoutMs: rawCase.expect === 'answer' ? RAW_TIMEOUT_MS : 500,
        ...(rawCase.responses === undefined ? {} : { responses: rawCase.responses }),
        ...(rawCase.head === true ? { head: true } : {}),
      });
      report.sent++;
      report.count(rawOutcome(result));
      const problems = rawCaseProblems(rawCase, result);
      if (problems.length > 0) report.fail(describeRawCase(rawCase, `raw case #${index} (FUZZ_SEED=${seed})`), problems);
    });
    watch.stop();
    rssPeak = Math.max(rssPeak, watch.peakBytes);
    console.log(`[fuzz-http] ${report.summary()}`);
    expect(report.failureCount, report.failureText()).toBe(0);
  });

  it('keeps serving afterwards: the process lives, /health and a valid write and read succeed, RSS stayed bounded', async () => {
    expect(isAlive(servers.api.pid), `the api process died:\n${servers.api.recentOutput().join('\n')}`).toBe(true);
    expect((await fetch(`${servers.api.url}/health`)).status).toBe(200);
    expect((await fetch(`${servers.api.url}/ready`)).status).toBe(200);
    const id = await createProduct(99);
    const read = await fetch(`${servers.api.url}/v1/products/${id}`);
    expect(read.status).toBe(200);
    expect(((await read.json()) as { name: string }).name).toBe('Fuzz target 99');

    const rssAfter = await readRssBytes(servers.api.pid);
    console.log(`[fuzz-http] api RSS: before ${megabytes(rssBefore)}, peak ${megabytes(rssPeak)}, after ${megabytes(rssAfter)}`);
    expect(rssAfter - rssBefore, `RSS grew from ${megabytes(rssBefore)} to ${megabytes(rssAfter)}`).toBeLessThan(RSS_GROWTH_LIMIT_BYTES);
  });
});
