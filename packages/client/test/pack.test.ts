import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/*
 * Packs @livecart/client (and @livecart/schemas, which it depends on) as they would be published, installs
 * both tarballs with npm into a project outside the workspace, type-checks a TypeScript consumer against
 * the published .d.ts and runs a JavaScript one with node: a broken exports map, a missing file or an
 * import that only resolves inside the workspace fails here.
 */

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const schemasDir = join(packageDir, '..', 'schemas');
const require = createRequire(import.meta.url);
const tscBin = join(dirname(require.resolve('typescript/package.json')), 'bin', 'tsc');
const versionOf = (name: string) => (JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as { version: string }).version;
const TIMEOUT = 180_000;

function run(command: string, args: string[], cwd: string): SpawnSyncReturns<string> {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: TIMEOUT });
  if (result.error) throw result.error;
  return result;
}

function ok(result: SpawnSyncReturns<string>, what: string): string {
  if (result.status !== 0) throw new Error(`${what} exited with ${result.status}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`);
  return result.stdout;
}

function pack(dir: string, destination: string): { filename: string; files: string[] } {
  const packed = JSON.parse(ok(run('pnpm', ['pack', '--json', '--pack-destination', destination], dir), `pnpm pack in ${dir}`)) as { filename: string; files: { path: string }[] };
  return { filename: packed.filename, files: packed.files.map((file) => file.path) };
}

const SECRET = `whsec_${Buffer.from('consumer-test-secret-0123456789abcdef').toString('base64')}`;

const consumerTs = `
import { createLivecartClient, etagOf, eventPositionOf, unwrap, type ApiErrorEnvelope, type components, type LivecartClient } from '@livecart/client';
import { verifyWebhook, type WebhookMessage } from '@livecart/client/webhooks';
import { isOrderEvent, RealtimeClient, type ConnectionState, type RealtimeSocketConstructor } from '@livecart/client/realtime';

export const client: LivecartClient = createLivecartClient({ baseUrl: 'http://127.0.0.1:1' });
export async function price(id: string): Promise<number | undefined> {
  const result = await client.GET('/v1/products/{id}', { params: { path: { id }, header: { 'if-none-match': '"3"' } } });
  const code: ApiErrorEnvelope['code'] | undefined = result.error?.code;
  return code === undefined && etagOf(result.response) !== undefined ? unwrap(result).priceMinor : undefined;
}
export const update = () => client.PATCH('/v1/products/{id}', { params: { path: { id: 'x' }, header: { 'if-match': '"3"' } }, body: { priceMinor: 1 } });
// @ts-expect-error no such path
export const wrongPath = () => client.GET('/v1/nothing');
// @ts-expect-error a price is a number of minor units
export const wrongBody = () => client.PATCH('/v1/products/{id}', { params: { path: { id: 'x' } }, body: { priceMinor: '1' } });
export type Product = components['schemas']['Product'];

export async function receive(body: string, headers: Record<string, string>): Promise<number | null> {
  const { message }: { message: WebhookMessage } = await verifyWebhook({ secret: 'whsec_x', headers, body });
  if (message.type === 'webhook.reset') return null;
  return message.type === 'webhook.batch' ? (message.events.at(-1)?.seq ?? null) : message.seq;
}

export function follow(WebSocket: RealtimeSocketConstructor, id: string, response: Response): () => void {
  const live = new RealtimeClient({ url: 'wss://realtime.example.com/ws', WebSocket, tokenFor: async (topics) => topics.join(',') });
  live.onEvent((event) => (event.type === 'product.deleted' ? event.data.sku : event.data.priceMinor));
  live.onPrivateEvent((event) => (isOrderEvent(event) ? event.data.status : event.type));
  live.onStateChange((state: ConnectionState) => state);
  // @ts-expect-error a position's seq is a number (X-Event-Seq read with eventPositionOf)
  live.subscribe(['catalog'], { seq: '41' });
  return live.subscribe([\`product:\${id}\`, \`order:\${id}\`], eventPositionOf(response));
}
`;

const consumerMjs = `
import { createHmac } from 'node:crypto';
import { createLivecartClient, eventPositionOf, unwrap } from '@livecart/client';
import { verifyWebhook } from '@livecart/client/webhooks';
import { RealtimeClient } from '@livecart/client/realtime';

const secret = ${JSON.stringify(SECRET)};
const product = { id: '0b6f2a1e-3c4d-4e5f-8a9b-0c1d2e3f4a5b', sku: 'MUG-001', name: 'Blue mug', description: '', category: 'kitchen', priceMinor: 1299, currency: 'EUR', stock: 11, imageUrl: null, version: 4, createdAt: '2026-01-02T03:04:05.000Z', updatedAt: '2026-01-03T03:04:05.000Z' };
const seen = [];
const client = createLivecartClient({
  baseUrl: 'https://api.example.com/',
  headers: { authorization: 'Bearer k' },
  fetch: async (request) => {
    seen.push([request.method, request.url, request.headers.get('authorization'), request.headers.get('if-none-match')]);
    return new Response(JSON.stringify(product), { headers: { 'content-type': 'application/json', etag: '"4"', 'x-event-seq': '41' } });
  },
});
const result = await client.GET('/v1/products/{id}', { params: { path: { id: product.id }, header: { 'if-none-match': '"3"' } } });

const event = JSON.stringify({ type: 'stock.changed', seq: 42, topics: ['catalog'], occurredAt: '2026-01-03T03:04:05.000Z', data: product });
const timestamp = String(Math.floor(Date.now() / 1000));
const signature = createHmac('sha256', Buffer.from(secret.slice(6), 'base64')).update('msg_1.' + timestamp + '.' + event).digest('base64');
const verified = await verifyWebhook({ secret, body: event, headers: { 'webhook-id': 'msg_1', 'webhook-timestamp': timestamp, 'webhook-signature': 'v1,' + signature } });
let forged = 'accepted';
await verifyWebhook({ secret, body: event.replace('"stock":11', '"stock":12'), headers: { 'webhook-id': 'msg_1', 'webhook-timestamp': timestamp, 'webhook-signature': 'v1,' + signature } }).catch((error) => { forged = error.reason; });

const frames = [];
class Socket {
  constructor(url, protocols) { this.url = url; this.protocols = protocols; sockets.push(this); }
  send(data) { frames.push(JSON.parse(data)); }
  close() {}
}
const sockets = [];
const live = new RealtimeClient({ url: 'wss://realtime.example.com/ws', WebSocket: Socket, tokenFor: async () => 'rt1.token' });
const prices = [];
live.onEvent((event) => prices.push(event.data.priceMinor));
live.subscribe(['product:' + product.id, 'order:' + product.id], eventPositionOf(result.response));
await new Promise((resolve) => setTimeout(resolve, 0));
const socket = sockets[0];
socket.onmessage({ data: JSON.stringify({ type: 'welcome', protocolVersion: 1, instanceId: 'i', seq: 41, limits: { maxTopicsPerConnection: 100, maxMessagesPerSecond: 20, maxPayloadBytes: 32768, heartbeatIntervalMs: 30000 } }) });
await new Promise((resolve) => setTimeout(resolve, 0));
socket.onmessage({ data: '{"type":"event","event":' + event + '}' });
live.close();
console.log(JSON.stringify({ request: seen[0], price: unwrap(result).priceMinor, position: eventPositionOf(result.response), seq: verified.message.seq, forged, realtime: { protocols: socket.protocols, frames, prices } }));
`;

const tsconfig = {
  compilerOptions: {
    target: 'ES2023',
    lib: ['ES2023', 'DOM'],
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    noUncheckedIndexedAccess: true,
    exactOptionalPropertyTypes: true,
    noEmit: true,
    types: [],
    skipLibCheck: false,
  },
  files: ['consumer.ts'],
};

describe('the packed tarball, used from outside the workspace', () => {
  let workDir = '';
  let appDir = '';
  let files: string[] = [];

  beforeAll(() => {
    for (const dir of [packageDir, schemasDir]) {
      if (!existsSync(join(dir, 'dist', 'index.js'))) throw new Error(`${join(dir, 'dist')} is missing: run \`pnpm build\` first (turbo run test does)`);
    }
    workDir = mkdtempSync(join(tmpdir(), 'livecart-client-pack-'));
    const client = pack(packageDir, workDir);
    const schemas = pack(schemasDir, workDir);
    files = client.files;
    appDir = join(workDir, 'app');
    mkdirSync(appDir);
    writeFileSync(join(appDir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    const install = ['install', '--no-audit', '--no-fund', '--prefer-offline', schemas.filename, client.filename, `zod@${versionOf('zod')}`, '@types/node'];
    ok(run('npm', install, appDir), 'npm install');
  }, TIMEOUT);

  afterAll(() => {
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it('holds the compiled code, its types and the docs, and nothing else', () => {
    for (const module of ['index', 'client', 'http-headers', 'webhooks', 'generated/openapi', 'realtime/index', 'realtime/realtime-client']) {
      expect(files).toContain(`dist/${module}.js`);
      expect(files).toContain(`dist/${module}.d.ts`);
    }
    expect(files).toEqual(expect.arrayContaining(['README.md', 'CHANGELOG.md']));
    expect(files.filter((file) => !/^(dist\/[\w/-]+\.(js|d\.ts)|package\.json|README\.md|CHANGELOG\.md)$/.test(file) || file.includes('.test.'))).toEqual([]);
  });

  it('publishes a manifest without workspace-only version specifiers', () => {
    const manifest = readFileSync(join(appDir, 'node_modules', '@livecart', 'client', 'package.json'), 'utf8');
    expect(manifest).not.toMatch(/"(workspace|catalog):/);
    expect(manifest).not.toMatch(/@livecart\/source/);
  });

  it('type-checks a TypeScript consumer against the published .d.ts', () => {
    writeFileSync(join(appDir, 'consumer.ts'), consumerTs);
    writeFileSync(join(appDir, 'tsconfig.json'), JSON.stringify({ ...tsconfig, compilerOptions: { ...tsconfig.compilerOptions, types: ['node'] } }, null, 2));
    const result = run(process.execPath, [tscBin, '-p', appDir], appDir);
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  }, TIMEOUT);

  it.each(['Bundler', 'Node10'])('type-checks the same consumer with %s module resolution', (resolution) => {
    writeFileSync(join(appDir, 'consumer.ts'), consumerTs);
    const compilerOptions = { ...tsconfig.compilerOptions, types: ['node'], module: 'ESNext', moduleResolution: resolution, ...(resolution === 'Node10' ? { esModuleInterop: true } : {}) };
    writeFileSync(join(appDir, 'tsconfig.json'), JSON.stringify({ ...tsconfig, compilerOptions }, null, 2));
    const result = run(process.execPath, [tscBin, '-p', appDir], appDir);
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  }, TIMEOUT);

  it('fails to type-check a consumer that misuses the types', () => {
    writeFileSync(join(appDir, 'tsconfig.json'), JSON.stringify({ ...tsconfig, compilerOptions: { ...tsconfig.compilerOptions, types: ['node'] } }, null, 2));
    writeFileSync(join(appDir, 'consumer.ts'), `${consumerTs}\nexport const oops: components['schemas']['Product']['priceMinor'] = '12.99';\n`);
    const result = run(process.execPath, [tscBin, '-p', appDir], appDir);
    expect(result.status).not.toBe(0);
    expect(result.stdout).toMatch(/consumer\.ts\(\d+,\d+\): error TS2322/);
  }, TIMEOUT);

  it('runs a plain JavaScript consumer with node', () => {
    writeFileSync(join(appDir, 'consumer.mjs'), consumerMjs);
    const output = ok(run(process.execPath, ['consumer.mjs'], appDir), 'node consumer.mjs');
    expect(JSON.parse(output)).toEqual({
      request: ['GET', 'https://api.example.com/v1/products/0b6f2a1e-3c4d-4e5f-8a9b-0c1d2e3f4a5b', 'Bearer k', '"3"'],
      price: 1299,
      position: { seq: 41 },
      seq: 42,
      forged: 'bad_signature',
      realtime: {
        protocols: 'livecart.v1.json',
        frames: [
          { type: 'subscribe', topics: ['product:0b6f2a1e-3c4d-4e5f-8a9b-0c1d2e3f4a5b'], since: 41 },
          { type: 'subscribe', topics: ['order:0b6f2a1e-3c4d-4e5f-8a9b-0c1d2e3f4a5b'], since: 41, token: 'rt1.token', id: 'private-1' },
        ],
        prices: [1299],
      },
    });
  }, TIMEOUT);
});
