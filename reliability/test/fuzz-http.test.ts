import { skipWithoutBuilds } from '@livecart/local-services/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFuzzProduct, createFuzzTargets, generateFuzzCases, HTTP_CASES, sendHttpRound, sendRawRound, type FuzzCases } from '../src/fuzz/http/http-rounds.js';
import { fuzzSeed } from '../src/fuzz/seed.js';
import {
  INSPECT_ON_FREE_PORT,
  isAlive,
  megabytes,
  readRssBytes,
  settledMemory,
  startServers,
  type SettledMemory,
  type TestServers,
} from '../src/servers/index.js';

/**
 * Hostile HTTP input against the production build of the api: requests derived from its own OpenAPI
 * document (wrong types, missing and extra fields, huge values, unicode edge cases, injections, broken
 * JSON, wrong content types, bad headers, traversal), then framing-level junk on raw sockets. No answer
 * may be a 5xx, every 4xx must be the error envelope, and the server must keep serving. Then every case
 * again: what the api still references after that second round must be what it referenced after the
 * first, which warmed its caches, pools and compiled code.
 */

const skip = skipWithoutBuilds('fuzz-http', ['api', 'realtime']);

/**
 * Growth allowed over the second round, read after a full collection (see settled-memory.ts). The live
 * heap plus what it holds outside (Buffers…) moved by less than 2 MB either way when nothing leaked;
 * 4 MB fails a leak of 500 bytes per request (README: Fuzzing). RSS is looser, because the C allocator
 * keeps pages it was given back (±10 MB from round to round): it is there for native memory V8 cannot see.
 */
const RETAINED_GROWTH_LIMIT_BYTES = 4 * 1024 * 1024;
const SETTLED_RSS_GROWTH_LIMIT_BYTES = 24 * 1024 * 1024;

describe.skipIf(skip)('hostile HTTP input against the built api', () => {
  const seed = fuzzSeed('fuzz-http');
  let servers: TestServers;
  let cases: FuzzCases | undefined;
  const rssPeaks: number[] = [];

  async function settled(): Promise<SettledMemory> {
    const url = servers.api.inspectorUrl;
    if (url === undefined) throw new Error(`the api printed no inspector address:\n${servers.api.recentOutput().join('\n')}`);
    return settledMemory(url);
  }

  beforeAll(async () => {
    // The fuzzer must reach validation, not the per-IP limits (a security test covers those).
    servers = await startServers({
      label: 'fuzz-http',
      apiNodeArgs: [INSPECT_ON_FREE_PORT],
      apiEnv: { RATE_LIMIT_READ_MAX: '1000000000', RATE_LIMIT_WRITE_MAX: '1000000000', RATE_LIMIT_ORDER_MAX: '1000000000', RATE_LIMIT_SHOPPER_ORDER_MAX: '1000000000', LOGIN_MAX_FAILURES_PER_ACCOUNT: '10000', LOGIN_MAX_FAILURES_PER_IP: '100000' },
    });
    const generated = await generateFuzzCases(servers, await createFuzzTargets(servers), seed);
    expect(generated.operationIds).toEqual(
      expect.arrayContaining(['GET /v1/products', 'POST /v1/products', 'PATCH /v1/products/{id}', 'DELETE /v1/products/{id}', 'POST /v1/products/bulk', 'POST /v1/orders', 'GET /v1/orders/{id}', 'POST /v1/auth/login', 'POST /v1/auth/logout', 'POST /v1/auth/logout-everywhere', 'GET /v1/auth/session', 'POST /v1/staff-users', 'PATCH /v1/staff-users/{id}', 'POST /v1/api-keys', 'DELETE /v1/api-keys/{id}']),
    );
    cases = generated;
  });

  afterAll(async () => {
    await servers?.stop();
  });

  it(`answers ${HTTP_CASES} hostile requests derived from the OpenAPI document with no 5xx and the envelope on every 4xx`, async () => {
    const started = Date.now();
    const { report, kinds, rssPeak } = await sendHttpRound(servers, cases!.http, seed, 'HTTP requests (round 1)');
    rssPeaks.push(rssPeak);
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
    const { report, rssPeak } = await sendRawRound(servers, cases!.raw, seed, 'raw-socket requests (round 1)');
    rssPeaks.push(rssPeak);
    console.log(`[fuzz-http] ${report.summary()}`);
    expect(report.failureCount, report.failureText()).toBe(0);
  });

  it('keeps serving afterwards: the process lives, /health and a valid write and read succeed', async () => {
    expect(isAlive(servers.api.pid), `the api process died:\n${servers.api.recentOutput().join('\n')}`).toBe(true);
    expect((await fetch(`${servers.api.url}/health`)).status).toBe(200);
    expect((await fetch(`${servers.api.url}/ready`)).status).toBe(200);
    const id = await createFuzzProduct(servers, 99);
    const read = await fetch(`${servers.api.url}/v1/products/${id}`);
    expect(read.status).toBe(200);
    expect(((await read.json()) as { name: string }).name).toBe('Fuzz target 99');
  });

  it('references no more memory after a second round of every case than after the first', async () => {
    const warm = await settled();
    const http = await sendHttpRound(servers, cases!.http, seed, 'HTTP requests (round 2)');
    const raw = await sendRawRound(servers, cases!.raw, seed, 'raw-socket requests (round 2)');
    rssPeaks.push(http.rssPeak, raw.rssPeak);
    const after = await settled();

    const retained = (memory: SettledMemory) => memory.heapUsed + memory.external;
    console.log(
      `[fuzz-http] api RSS peaks ${rssPeaks.map(megabytes).join(', ')}, now ${megabytes(await readRssBytes(servers.api.pid))}; after a full collection: ` +
        `round 1 heap ${megabytes(warm.heapUsed)} + external ${megabytes(warm.external)}, RSS ${megabytes(warm.rss)}; ` +
        `round 2 heap ${megabytes(after.heapUsed)} + external ${megabytes(after.external)}, RSS ${megabytes(after.rss)}`,
    );
    expect(http.report.failureCount, http.report.failureText()).toBe(0);
    expect(raw.report.failureCount, raw.report.failureText()).toBe(0);
    const grown = retained(after) - retained(warm);
    expect(grown, `the api references ${megabytes(grown)} more after round 2`).toBeLessThan(RETAINED_GROWTH_LIMIT_BYTES);
    expect(after.rss - warm.rss, `RSS after a full collection grew from ${megabytes(warm.rss)} to ${megabytes(after.rss)}`).toBeLessThan(SETTLED_RSS_GROWTH_LIMIT_BYTES);
  });
});
