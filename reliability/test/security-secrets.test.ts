import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { type BuiltApp, createTestBackends, skipWithoutBuilds, type TestBackends } from '@livecart/local-services/testing';
import { DEV_ADMIN_TOKEN } from '@livecart/config/env';
import { findFreePort } from '@livecart/local-services';
import { ProductSchema, type Product } from '@livecart/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envelopeOf, http, type HttpResult } from '../src/launch/http.js';
import { OutputLog } from '../src/launch/output-log.js';
import { seedProduct } from '../src/launch/seed-product.js';
import { startApi } from '../src/launch/start-api.js';
import { socketUrlOf, startRealtime } from '../src/launch/start-realtime.js';
import { startWeb, WEB_BUILD_DIR } from '../src/launch/start-web.js';
import { filesContaining } from '../src/security/files-containing.js';
import { assetUrls, formFields } from '../src/security/html-forms.js';
import { tokenProbes } from '../src/security/token-probes.js';

/**
 * The admin token never leaves the processes that hold it: the api (at LOG_LEVEL=trace) and the web
 * server run with a unique canary token, every request that carries or misuses it is answered, and
 * then no output line, response body or header, and no browser asset contains it.
 */

const skip = skipWithoutBuilds('security-secrets', ['api', 'realtime', 'web']);
const canary = `canary-${randomBytes(16).toString('hex')}`;
const BODY_LIMIT = 4_096;

interface Answer {
  what: string;
  result: HttpResult;
}

/** Case-insensitive: an upper-cased echo of the token is a leak too. */
const leaks = (text: string, secret: string) => text.toLowerCase().includes(secret.toLowerCase());
const leakingAnswers = (answers: Answer[], secret: string) =>
  answers
    .filter(({ result }) => leaks(result.text, secret) || [...result.headers].some(([name, value]) => leaks(`${name}: ${value}`, secret)))
    .map(({ what }) => what);

describe.skipIf(skip)('the admin token stays secret', () => {
  const log = new OutputLog();
  const answers: Answer[] = [];
  let backends: TestBackends;
  let api: BuiltApp;
  let realtime: BuiltApp;
  let web: BuiltApp;
  let product: Product;

  const record = (what: string, result: HttpResult): HttpResult => {
    answers.push({ what, result });
    return result;
  };

  beforeAll(async () => {
    backends = await createTestBackends({ label: 'rel-secrets' });
    const webPort = await findFreePort();
    const webOrigin = `http://127.0.0.1:${webPort}`;
    [realtime, api] = await Promise.all([
      startRealtime({ backends, allowedOrigins: [webOrigin], log, env: { LOG_LEVEL: 'trace' } }),
      startApi({
        backends,
        adminToken: canary,
        log,
        env: { LOG_LEVEL: 'trace', CORS_ORIGINS: webOrigin, BODY_LIMIT_BYTES: String(BODY_LIMIT), RATE_LIMIT_ENABLED: 'false' },
      }),
    ]);
    web = await startWeb({ port: webPort, apiUrl: api.url, realtimeSocketUrl: socketUrlOf(realtime), adminToken: canary, log });
    product = await seedProduct(api.url, canary, { name: 'Canary cup', stock: 12 });
  });

  afterAll(async () => {
    await Promise.all([web, api, realtime].filter(Boolean).map((server) => server.stop()));
    await backends?.close();
  });

  it('answers each use and misuse of the token on the api as documented: 401 for none or a malformed one, 403 for a wrong one', async () => {
    for (const probe of tokenProbes(canary, product, BODY_LIMIT)) {
      const result = record(`api ${probe.name}`, await http(`${api.url}${probe.path}`, { method: probe.method, headers: probe.headers, body: probe.body }));
      expect(result.status, probe.name).toBe(probe.status);
      if (result.status >= 400) expect(envelopeOf(result).statusCode, probe.name).toBe(probe.status);
    }
    for (const path of ['/health', '/ready', '/metrics', '/docs/json', `/v1/products/${product.id}`, '/v1/products?limit=5']) {
      record(`api GET ${path}`, await http(`${api.url}${path}`, { headers: { authorization: `Bearer ${canary}` } }));
    }
  });

  it('saves an edit through the admin page, so the web server really sends the token to the api', async () => {
    const admin = record('web /admin', await http(`${web.url}/admin?q=${encodeURIComponent('Canary cup')}`));
    const current = ProductSchema.parse((await http(`${api.url}/v1/products/${product.id}`)).json);
    // What a browser without JavaScript submits: the form's own fields plus the row's price and stock inputs.
    const fields: Record<string, string> = { ...formFields(admin.text, `edit-${product.id}`), price: '43.21', stock: '5' };
    expect(fields.version).toBe(String(current.version));
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    const response = await fetch(`${web.url}/admin`, { method: 'POST', body: form, signal: AbortSignal.timeout(30_000) });
    record('web admin save', { status: response.status, headers: response.headers, text: await response.text(), json: undefined });
    expect(response.status).toBe(200);
    const saved = ProductSchema.parse((await http(`${api.url}/v1/products/${product.id}`)).json);
    expect(saved).toMatchObject({ priceMinor: 4_321, stock: 5, version: current.version + 1 });
  });

  it('serves pages, flight data and route handlers that hold neither the canary nor the development token', async () => {
    const pages = ['/', `/products/${product.id}`, '/admin', '/products/00000000-0000-4000-8000-000000000000', '/no-such-page'];
    for (const path of pages) {
      const html = record(`web ${path}`, await http(`${web.url}${path}`));
      expect(html.status, path).toBeLessThan(500);
      record(`web ${path} (RSC)`, await http(`${web.url}${path}`, { headers: { rsc: '1' } }));
      for (const asset of assetUrls(html.text, web.url)) record(`web asset ${asset}`, await http(asset));
    }
    record('web /api/products', await http(`${web.url}/api/products?ids=${product.id}`));
    expect(answers.filter((a) => a.what.startsWith('web asset ') && a.what.endsWith('.js')).length).toBeGreaterThan(3);

    expect(leakingAnswers(answers.filter((a) => a.what.startsWith('web')), DEV_ADMIN_TOKEN)).toEqual([]);
  });

  it('puts the canary in no response body or header', () => {
    expect(answers.length).toBeGreaterThan(30);
    // The scan reads what was served: the product's name is on its pages.
    expect(leakingAnswers(answers, product.name).length).toBeGreaterThan(3);
    expect(leakingAnswers(answers, canary)).toEqual([]);
  });

  it('writes the canary to no output line of the api, realtime or web process', () => {
    // The capture works: each process printed something.
    for (const name of ['[api]', '[realtime]', '[web]']) expect(log.lines.some((line) => line.startsWith(name)), name).toBe(true);
    expect(log.lines.filter((line) => leaks(line, canary))).toEqual([]);
  });

  it('ships neither the development token nor the canary in the browser bundle on disk', async () => {
    const { hits, filesRead } = await filesContaining(join(WEB_BUILD_DIR, 'static'), [DEV_ADMIN_TOKEN, canary]);
    expect(filesRead).toBeGreaterThan(10);
    expect(hits).toEqual([]);
  });
});
