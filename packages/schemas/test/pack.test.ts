import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleProduct } from './fixtures.js';

/*
 * Packs @livecart/schemas as it would be published and uses it from a project outside the workspace:
 * installed by npm from the tarball next to zod, type-checked with each module resolution TypeScript offers
 * consumers (NodeNext, Bundler, and the legacy Node10 through `typesVersions`), and run by node.
 * It catches what workspace tests cannot: a broken `exports` map, missing or wrong .d.ts, files left out of
 * (or leaked into) the tarball, and imports that only resolve thanks to the workspace.
 */

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const tscBin = join(dirname(require.resolve('typescript/package.json')), 'bin', 'tsc');
const zodVersion = (JSON.parse(readFileSync(require.resolve('zod/package.json'), 'utf8')) as { version: string })
  .version;

const TIMEOUT = 120_000;

function run(command: string, args: string[], cwd: string): SpawnSyncReturns<string> {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: TIMEOUT });
  if (result.error) throw result.error;
  return result;
}

function ok(result: SpawnSyncReturns<string>, what: string): string {
  if (result.status !== 0) {
    throw new Error(`${what} exited with ${result.status}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`);
  }
  return result.stdout;
}

const product = sampleProduct;

const consumerTs = `
import { ProductSchema, type LivecartEvent, type Product } from '@livecart/schemas';
import { ProductCreateSchema, type ProductCreateInput } from '@livecart/schemas/product';
import { ClientMessageSchema, type ClientMessage, type ServerMessage } from '@livecart/schemas/realtime';
import { AJV_OPTIONS, jsonSchemaOf, type JsonSchema, type SchemaName } from '@livecart/schemas/json-schema';
import { parseEventHead, streamPositionOf, type EventHead, type StreamPosition } from '@livecart/schemas/transport';
import { openApiSchemas, type OpenApiSchemas } from '@livecart/schemas/openapi';

export const product: Product = ProductSchema.parse(${JSON.stringify(product)});
export const price: number = product.priceMinor;
// @ts-expect-error money is a number of minor units, not a string
export const priceText: string = product.priceMinor;
// @ts-expect-error the currency is one of the ISO 4217 codes, not any string
export const currency: Product['currency'] = 'EURO';

export const create: ProductCreateInput = { sku: 'MUG-001', name: 'Mug', category: 'kitchen', priceMinor: 1299 };
// @ts-expect-error priceMinor is required
export const incomplete: ProductCreateInput = { sku: 'MUG-001', name: 'Mug', category: 'kitchen' };
export const stock: number = ProductCreateSchema.parse(create).stock;

export const subscribe: ClientMessage = { type: 'subscribe', topics: ['catalog'], since: 41 };
// @ts-expect-error there is no "publish" client message
export const publish: ClientMessage = { type: 'publish', topics: ['catalog'] };
export const parsed: ClientMessage = ClientMessageSchema.parse(subscribe);

export function lastSeq(message: ServerMessage): number | null {
  switch (message.type) {
    case 'event':
      return message.event.seq;
    case 'batch':
      return message.events.at(-1)?.seq ?? null;
    case 'welcome':
    case 'subscribed':
    case 'reset':
      return message.seq;
    default:
      return null;
  }
}

export function stockOf(event: LivecartEvent): number | null {
  if (event.type === 'product.deleted') {
    // @ts-expect-error a deletion carries no stock
    return event.data.stock;
  }
  return event.data.stock;
}

export const position: StreamPosition = streamPositionOf('41-0');
export const head: EventHead = parseEventHead('{}');
// @ts-expect-error a head's topics are read-only
head.topics.push('catalog');

export const name: SchemaName = 'ProductCreate';
// @ts-expect-error not a named schema
export const unknownName: SchemaName = 'ProductDraft';
export const schema: JsonSchema = jsonSchemaOf(name, 'input');
export const useDefaults: true = AJV_OPTIONS.useDefaults;
export const components: OpenApiSchemas['schemas'] = openApiSchemas().schemas;
`;

const consumerMjs = `
import * as root from '@livecart/schemas';
import { buildAsyncApiDocument } from '@livecart/schemas/asyncapi';
import { ProductSchema } from '@livecart/schemas/product';
import { ServerMessageSchema } from '@livecart/schemas/realtime';
import { jsonSchemaOf } from '@livecart/schemas/json-schema';
import { TopicSchema } from '@livecart/schemas/topics';
import { eventKeys, parseEventHead, streamEntryId } from '@livecart/schemas/transport';
import { openApiSchemas } from '@livecart/schemas/openapi';

const product = ProductSchema.parse(${JSON.stringify(product)});
const message = ServerMessageSchema.parse({ type: 'pong', ts: 1 });
let deepImport = 'allowed';
try {
  await import('@livecart/schemas/dist/product.js');
} catch (error) {
  deepImport = error.code;
}
console.log(JSON.stringify({
  sku: product.sku,
  message: message.type,
  topicOk: TopicSchema.safeParse('category:kitchen').success,
  stream: eventKeys({ prefix: 'shop' }).stream,
  entryId: streamEntryId({ seq: 5 }),
  headSeq: parseEventHead(JSON.stringify({ seq: 5, type: 'product.deleted', topics: ['catalog'], occurredAt: '2026-01-01T00:00:00Z', data: { id: 'x' } })).seq,
  required: jsonSchemaOf('ProductCreate').required,
  sameSchema: root.ProductSchema === ProductSchema,
  productComponent: openApiSchemas().schemas.Product.required.includes('priceMinor'),
  deepImport,
  asyncapi: buildAsyncApiDocument({ serverUrl: 'wss://realtime.example.com' }).servers.realtime.host,
}));
`;

type Resolution = 'NodeNext' | 'Bundler' | 'Node10';

/** A consumer's tsconfig with the given module resolution (and a module kind that goes with it). */
const tsconfigFor = (resolution: Resolution) => ({
  compilerOptions: {
    target: 'ES2023',
    // a browser consumer; zod's own declarations need `URL` from the DOM lib (or @types/node)
    lib: ['ES2023', 'DOM'],
    module: resolution === 'NodeNext' ? 'NodeNext' : 'ESNext',
    moduleResolution: resolution,
    // Node10 reads zod's CommonJS declarations, whose default imports need it (as `tsc --init` sets it).
    ...(resolution === 'Node10' ? { esModuleInterop: true } : {}),
    strict: true,
    noUncheckedIndexedAccess: true,
    exactOptionalPropertyTypes: true,
    noEmit: true,
    types: [],
    // our .d.ts files are part of what is under test
    skipLibCheck: false,
  },
  files: ['consumer.ts'],
});
const tsconfig = tsconfigFor('NodeNext');

describe('the packed tarball, used from outside the workspace', () => {
  let workDir = '';
  let tarball = '';
  let files: string[] = [];
  let appDir = '';

  beforeAll(() => {
    if (!existsSync(join(packageDir, 'dist', 'index.js')) || !existsSync(join(packageDir, 'dist', 'index.d.ts'))) {
      throw new Error(
        `${join(packageDir, 'dist')} is missing or incomplete: run \`pnpm build\` in packages/schemas first ` +
          '(`turbo run test` does it: packages/schemas/turbo.json makes test depend on build).',
      );
    }
    workDir = mkdtempSync(join(tmpdir(), 'livecart-schemas-pack-'));
    const packed = JSON.parse(
      ok(run('pnpm', ['pack', '--json', '--pack-destination', workDir], packageDir), 'pnpm pack'),
    ) as { filename: string; files: { path: string }[] };
    tarball = packed.filename;
    files = packed.files.map((file) => file.path);

    appDir = join(workDir, 'app');
    mkdirSync(appDir);
    writeFileSync(join(appDir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    ok(
      run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball, `zod@${zodVersion}`], appDir),
      'npm install',
    );
  }, TIMEOUT);

  afterAll(() => {
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it('holds the compiled code, its types and the docs, and nothing else', () => {
    expect(files).toEqual(expect.arrayContaining(['package.json', 'README.md', 'CHANGELOG.md']));
    const modules = ['index', 'common', 'currencies', 'errors', 'events', 'json-schema', 'order', 'product'];
    for (const module of [...modules, 'realtime', 'topics', 'transport']) {
      expect(files).toContain(`dist/${module}.js`);
      expect(files).toContain(`dist/${module}.d.ts`);
    }
    expect(files.filter((file) => file.startsWith('src/') || file.startsWith('test/'))).toEqual([]);
    expect(files.filter((file) => /\.test\.|(^|\/)(tsconfig|vitest\.config|eslint\.config)/.test(file))).toEqual([]);
    const expected = /^(dist\/[\w-]+\.(js|d\.ts)|package\.json|README\.md|CHANGELOG\.md)$/;
    expect(files.filter((file) => !expected.test(file))).toEqual([]);
  });

  it('publishes a manifest without workspace-only version specifiers', () => {
    const manifest = readFileSync(join(appDir, 'node_modules', '@livecart', 'schemas', 'package.json'), 'utf8');
    expect(manifest).not.toMatch(/"(workspace|catalog):/);
    const { peerDependencies } = JSON.parse(manifest) as { peerDependencies: Record<string, string> };
    expect(peerDependencies).toHaveProperty('zod');
  });

  it('publishes the exports map less the workspace-only source condition', () => {
    // Dev servers in the workspace resolve `@livecart/source` to src/*.ts, which the tarball does not hold.
    const dropSource = (key: string, value: unknown) => (key === '@livecart/source' ? undefined : value);
    const local = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { exports: unknown };
    const published = JSON.parse(readFileSync(join(appDir, 'node_modules', '@livecart', 'schemas', 'package.json'), 'utf8')) as {
      exports: unknown;
    };
    expect(published.exports).toEqual(JSON.parse(JSON.stringify(local.exports, dropSource)));
  });

  it('type-checks a TypeScript consumer against the published .d.ts', () => {
    writeFileSync(join(appDir, 'consumer.ts'), consumerTs);
    writeFileSync(join(appDir, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2));
    const result = run(process.execPath, [tscBin, '-p', appDir], appDir);
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  }, TIMEOUT);

  it.each<Resolution>(['Bundler', 'Node10'])('type-checks the same consumer with %s module resolution', (resolution) => {
    writeFileSync(join(appDir, 'consumer.ts'), consumerTs);
    writeFileSync(join(appDir, 'tsconfig.json'), JSON.stringify(tsconfigFor(resolution), null, 2));
    const result = run(process.execPath, [tscBin, '-p', appDir], appDir);
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  }, TIMEOUT);

  it('resolves subpaths under Node10 only through typesVersions (Node10 ignores `exports`)', () => {
    const manifestPath = join(appDir, 'node_modules', '@livecart', 'schemas', 'package.json');
    const manifest = readFileSync(manifestPath, 'utf8');
    const { typesVersions: _dropped, ...withoutTypesVersions } = JSON.parse(manifest) as Record<string, unknown>;
    writeFileSync(manifestPath, JSON.stringify(withoutTypesVersions));
    try {
      writeFileSync(join(appDir, 'consumer.ts'), consumerTs);
      writeFileSync(join(appDir, 'tsconfig.json'), JSON.stringify(tsconfigFor('Node10'), null, 2));
      const result = run(process.execPath, [tscBin, '-p', appDir], appDir);
      expect(result.status).not.toBe(0);
      expect(result.stdout).toMatch(/Cannot find module '@livecart\/schemas\/product'/);
    } finally {
      writeFileSync(manifestPath, manifest);
    }
  }, TIMEOUT);

  it('fails to type-check a consumer that misuses the types', () => {
    // proves the check above can fail: without the @ts-expect-error the wrong assignment is an error
    writeFileSync(join(appDir, 'consumer.ts'), `${consumerTs}\nexport const oops: string = product.stock;\n`);
    writeFileSync(join(appDir, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2));
    const result = run(process.execPath, [tscBin, '-p', appDir], appDir);
    expect(result.status).not.toBe(0);
    expect(result.stdout).toMatch(/consumer\.ts\(\d+,\d+\): error TS2322/);
  }, TIMEOUT);

  it('runs a plain JavaScript consumer with node', () => {
    writeFileSync(join(appDir, 'consumer.mjs'), consumerMjs);
    const output = ok(run(process.execPath, ['consumer.mjs'], appDir), 'node consumer.mjs');
    expect(JSON.parse(output)).toEqual({
      sku: 'MUG-001',
      message: 'pong',
      topicOk: true,
      stream: 'shop:events',
      entryId: '5-0',
      headSeq: 5,
      required: ['sku', 'name', 'category', 'priceMinor'],
      sameSchema: true,
      productComponent: true,
      deepImport: 'ERR_PACKAGE_PATH_NOT_EXPORTED',
      asyncapi: 'realtime.example.com',
    });
  }, TIMEOUT);
});
