import { randomBytes } from 'node:crypto';
import type { TestServers } from '../../servers/index.js';
import { watchRss } from '../../servers/index.js';
import { FuzzReport } from '../fuzz-report.js';
import { runPool } from '../run-pool.js';
import { fetchOperations } from './openapi.js';
import { fixedRawCases, sampleRawCases, type RawCase } from './raw-cases.js';
import { describeRawCase, rawCaseProblems, rawOutcome } from './raw-checks.js';
import { rawExchange } from './raw-exchange.js';
import { sampleHttpCases, type HttpCase } from './request-cases.js';
import { isBusyReadiness, responseProblems } from './response-checks.js';
import type { KnownValues } from './schema-values.js';
import { describeHttpCase, sendHttpCase } from './send-case.js';
import { signInStaff } from '../../launch/staff-session.js';

/*
 * One round of the HTTP fuzzer against a built api, shared by test/fuzz-http.test.ts and the
 * memory-rounds command: the same seed gives the same cases, so rounds can be compared.
 */

export const HTTP_CASES = 10_000;
const GENERATED_RAW_CASES = 600;
const CONCURRENCY = 32;
const RAW_CONCURRENCY = 16;
const REQUEST_TIMEOUT_MS = 30_000;
const RAW_TIMEOUT_MS = 3_000;

export interface FuzzCases {
  http: HttpCase[];
  raw: RawCase[];
}

export interface RoundReport {
  report: FuzzReport;
  /** The api's largest RSS sampled during the round. */
  rssPeak: number;
}

async function adminCall(servers: TestServers, method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${servers.api.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${servers.apiKey}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

/** Creates a product through the api; resolves with its id. */
export async function createFuzzProduct(servers: TestServers, n: number): Promise<string> {
  const sku = `FUZZ-${randomBytes(3).toString('hex').toUpperCase()}-${n}`;
  const created = await adminCall(servers, 'POST', '/v1/products', { sku, name: `Fuzz target ${n}`, category: 'fuzzing', priceMinor: 1_000 + n, stock: 1_000_000_000 });
  if (created.status !== 201) throw new Error(`creating a product failed with ${created.status}: ${JSON.stringify(created.json)}`);
  return String(created.json.id);
}

/** Real products and an order, so that generated requests get past validation to the services. */
export async function createFuzzTargets(servers: TestServers): Promise<KnownValues> {
  const productIds = await Promise.all(Array.from({ length: 8 }, (_, n) => createFuzzProduct(servers, n)));
  const order = await adminCall(servers, 'POST', '/v1/orders', { items: [{ productId: productIds[0], quantity: 1 }] });
  if (order.status !== 201) throw new Error(`placing an order failed with ${order.status}: ${JSON.stringify(order.json)}`);
  return { id: [...productIds, String(order.json.id)], productId: productIds, category: ['fuzzing'] };
}

/** The requests derived from the api's own OpenAPI document, and the raw-socket cases. */
export async function generateFuzzCases(servers: TestServers, known: KnownValues, seed: number): Promise<FuzzCases & { operationIds: string[] }> {
  const operations = await fetchOperations(`${servers.api.url}/docs/json`);
  // Two admins: the operations only a staff session may call (staff users, API keys, sign-out) are
  // reached behind authentication too; the one that ends sessions uses the second admin's.
  const [adminCookie, expendableCookie] = await Promise.all([
    signInStaff(servers.api.url, servers.databaseUrl, { email: 'fuzz.admin@example.com', role: 'admin' }),
    signInStaff(servers.api.url, servers.databaseUrl, { email: 'fuzz.expendable@example.com', role: 'admin' }),
  ]);
  return {
    operationIds: operations.map((operation) => operation.id),
    http: sampleHttpCases(operations, { apiKey: servers.apiKey, adminCookie, expendableCookie, known }, HTTP_CASES, seed),
    raw: [...fixedRawCases(servers.apiKey), ...sampleRawCases(GENERATED_RAW_CASES, seed)],
  };
}

/** Sends every generated request, 32 at a time, and checks each answer (no 5xx, the envelope on every 4xx). */
export async function sendHttpRound(servers: TestServers, cases: readonly HttpCase[], seed: number, title: string): Promise<RoundReport & { kinds: FuzzReport }> {
  const report = new FuzzReport(title);
  const kinds = new FuzzReport('by mutation');
  const watch = watchRss(servers.api.pid);
  await runPool(cases, CONCURRENCY, async (httpCase, index) => {
    const outcome = await sendHttpCase(servers.api.url, httpCase, REQUEST_TIMEOUT_MS);
    report.sent++;
    kinds.count(httpCase.kind);
    const where = `request #${index} (FUZZ_SEED=${seed})`;
    if ('error' in outcome) {
      report.count('no response');
      report.fail(describeHttpCase(httpCase, where), [`no response: ${outcome.error}`]);
      return;
    }
    if (isBusyReadiness(httpCase.operation, outcome.status, outcome.body)) return report.count('503 (/ready: a backing service slow)');
    report.count(outcome.status);
    const problems = responseProblems(httpCase.method, outcome.status, outcome.body);
    if (problems.length > 0) report.fail(describeHttpCase(httpCase, where), problems);
  });
  watch.stop();
  return { report, kinds, rssPeak: watch.peakBytes };
}

/** Plays every raw-socket case, 16 at a time, and checks each outcome against what the case allows. */
export async function sendRawRound(servers: TestServers, cases: readonly RawCase[], seed: number, title: string): Promise<RoundReport> {
  const report = new FuzzReport(title);
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
  return { report, rssPeak: watch.peakBytes };
}
