import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from './helpers.js';

/*
 * What a team generating a client from /docs/json gets: openapi-typescript must accept the document, and
 * code using the named component types and passing If-None-Match must type-check without a cast.
 */

const require = createRequire(import.meta.url);
const generatorBin = join(dirname(require.resolve('openapi-typescript/package.json')), 'bin', 'cli.js');
const tscBin = join(dirname(require.resolve('typescript/package.json')), 'bin', 'tsc');
const networkTrace = fileURLToPath(new URL('./network-trace.mjs', import.meta.url));
const TIMEOUT = 120_000;

const consumer = `
import type { components, operations, paths } from './api.js';

type Product = components['schemas']['Product'];
type Currency = components['schemas']['Currency'];
type ErrorEnvelope = components['schemas']['ErrorEnvelope'];
type GetProduct = operations['getProduct'];

/** The shape of a generated client's call: an operation's parameters in, its answers out. */
declare function call<Operation extends { parameters: unknown; responses: unknown }>(parameters: Operation['parameters']): Promise<Operation['responses']>;

export const answers = call<GetProduct>({ path: { id: '0b6f2a1e-3c4d-4e5f-8a9b-0c1d2e3f4a5b' }, header: { 'if-none-match': '"7"' } });
export const listed = call<paths['/v1/products']['get']>({ query: { category: 'kitchen', limit: 10 } });
export async function priceOf(): Promise<number | undefined> {
  const responses = await answers;
  const product: Product = responses[200].content['application/json'];
  const etag: string | undefined = responses[200].headers.ETag;
  const notModified: string | undefined = responses[304].headers.ETag;
  return etag === undefined && notModified === undefined ? undefined : product.priceMinor;
}

export const currency: Currency = 'EUR';
// @ts-expect-error the currency is one of the ISO 4217 codes
export const notACurrency: Currency = 'EURO';
// @ts-expect-error an entity tag is a string
export const numericTag: GetProduct['parameters']['header'] = { 'if-none-match': 7 };
export const refusal: ErrorEnvelope['code'] = 'NOT_FOUND';
export const refused: operations['createProduct']['responses'][409]['content']['application/json']['code'] = 'CONFLICT';
export const replayed: operations['createOrder']['responses'][201]['headers']['Idempotent-Replayed'] = 'true';
`;

const tsconfig = {
  compilerOptions: {
    target: 'ES2023',
    lib: ['ES2023', 'DOM'],
    module: 'ESNext',
    moduleResolution: 'Bundler',
    strict: true,
    noUncheckedIndexedAccess: true,
    exactOptionalPropertyTypes: true,
    noEmit: true,
    types: [],
    skipLibCheck: false,
  },
  files: ['consumer.ts'],
};

function run(args: string[], cwd: string): SpawnSyncReturns<string> {
  const result = spawnSync(process.execPath, args, { cwd, encoding: 'utf8', timeout: TIMEOUT });
  if (result.error) throw result.error;
  return result;
}

let ctx: TestContext;
let dir: string;

beforeAll(async () => {
  ctx = await createTestContext('openapi-client');
  const app = await ctx.app({ API_DOCS_ENABLED: 'true' });
  dir = mkdtempSync(join(tmpdir(), 'livecart-openapi-client-'));
  writeFileSync(join(dir, 'openapi.json'), (await app.inject({ url: '/docs/json' })).body);
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2));
}, TIMEOUT);
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await ctx.close();
});

describe('a client generated from /docs/json with openapi-typescript', () => {
  it('is generated offline without a warning, with named component types', () => {
    const trace = join(dir, 'network.log');
    writeFileSync(trace, '');
    const result = spawnSync(process.execPath, ['--import', networkTrace, generatorBin, 'openapi.json', '--output', 'api.d.ts'], {
      cwd: dir,
      encoding: 'utf8',
      timeout: TIMEOUT,
      env: { ...process.env, NETWORK_TRACE_FILE: trace },
    });
    expect(result.status, result.stderr).toBe(0);
    // Offline: the document is read from disk, and nothing is fetched (network-trace.mjs).
    expect(readFileSync(trace, 'utf8')).toBe('');
    expect(result.stderr).not.toMatch(/warn|error/i);
    const types = readFileSync(join(dir, 'api.d.ts'), 'utf8');
    expect(types).toMatch(/\n {8}Product: \{/);
    expect(types).toMatch(/"if-none-match"\?: components\["parameters"\]\["IfNoneMatch"\]/);
    // The currency enum once, referenced everywhere else.
    expect(types.match(/"AED"/g)).toHaveLength(1);
  }, TIMEOUT);

  it('type-checks code that uses the component types and passes If-None-Match, without casts', () => {
    writeFileSync(join(dir, 'consumer.ts'), consumer);
    expect(consumer).not.toMatch(/\bas (never|unknown|any)\b/);
    const result = run([tscBin, '-p', dir], dir);
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  }, TIMEOUT);

  it('refuses code that misuses them (the check above can fail)', () => {
    writeFileSync(join(dir, 'consumer.ts'), `${consumer}\nexport const wrong: components['schemas']['Product']['priceMinor'] = '12.99';\n`);
    const result = run([tscBin, '-p', dir], dir);
    expect(result.status).not.toBe(0);
    expect(result.stdout).toMatch(/consumer\.ts\(\d+,\d+\): error TS2322/);
  }, TIMEOUT);
});
