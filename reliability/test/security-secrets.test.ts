import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { type BuiltApp, createStaffUser, createTestBackends, skipWithoutBuilds, type TestBackends } from '@livecart/local-services/testing';
import { findFreePort } from '@livecart/local-services';
import { ProductSchema, type Product } from '@livecart/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envelopeOf, http, type HttpResult } from '../src/launch/http.js';
import { OutputLog } from '../src/launch/output-log.js';
import { seedProduct } from '../src/launch/seed-product.js';
import { startApi } from '../src/launch/start-api.js';
import { createSuiteKey } from '../src/launch/suite-key.js';
import { socketUrlOf, startRealtime } from '../src/launch/start-realtime.js';
import { startWeb, WEB_BUILD_DIR } from '../src/launch/start-web.js';
import { filesContaining } from '../src/security/files-containing.js';
import { assetUrls, formFields } from '../src/security/html-forms.js';
import { tokenProbes } from '../src/security/token-probes.js';

/**
 * Credentials never leave where they belong. Canaries: an API key (made at startup), a staff user's
 * password, that user's session id and the api's SESSION_SECRET. The api runs at LOG_LEVEL=trace; every
 * request that carries or misuses the key is answered, the user signs in and saves an edit through the
 * web's admin page (so the web forwards the session to the api); then no output line of any process, no
 * response body or header (but the login's own Set-Cookie) and no browser asset contains a canary. The
 * web server holds no credential of its own at all.
 */

const skip = skipWithoutBuilds('security-secrets', ['api', 'realtime', 'web']);
const PASSWORD = `canary-password-${randomBytes(12).toString('hex')}`;
const SESSION_SECRET = `canary-session-secret-${randomBytes(16).toString('hex')}`;
const EMAIL = 'canary.editor@example.com';
let apiKey: string;
let sessionCookie: string;
/** The cookie's value is `<session id>.<signature>`: the id alone is the secret. */
const sessionIdOf = (cookie: string) => decodeURIComponent(cookie).replace(/\.[^.]*$/, '');
const canaries = () => ({ 'API key': apiKey, password: PASSWORD, 'session id': sessionIdOf(sessionCookie), 'session secret': SESSION_SECRET });
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

describe.skipIf(skip)('credentials stay secret', () => {
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
    apiKey = await createSuiteKey(backends.databaseUrl);
    await createStaffUser(backends.databaseUrl, { email: EMAIL, role: 'editor', password: PASSWORD });
    const webPort = await findFreePort();
    const webOrigin = `http://127.0.0.1:${webPort}`;
    [realtime, api] = await Promise.all([
      startRealtime({ backends, allowedOrigins: [webOrigin], log, env: { LOG_LEVEL: 'trace' } }),
      startApi({
        backends,
        log,
        env: { LOG_LEVEL: 'trace', SLOW_REQUEST_MS: '1', SESSION_SECRET, CORS_ORIGINS: webOrigin, BODY_LIMIT_BYTES: String(BODY_LIMIT), RATE_LIMIT_ENABLED: 'false' },
      }),
    ]);
    web = await startWeb({ port: webPort, apiUrl: api.url, realtimeSocketUrl: socketUrlOf(realtime), log });
    product = await seedProduct(api.url, apiKey, { name: 'Canary cup', stock: 12 });
    // Not recorded: this answer's Set-Cookie is where the session id rightly goes.
    const login = await http(`${api.url}/v1/auth/login`, { method: 'POST', body: { email: EMAIL, password: PASSWORD } });
    expect(login.status).toBe(200);
    sessionCookie = /livecart_session=([^;]+)/.exec(login.headers.get('set-cookie') ?? '')?.[1] ?? '';
    expect(sessionCookie).not.toBe('');
  });

  afterAll(async () => {
    await Promise.all([web, api, realtime].filter(Boolean).map((server) => server.stop()));
    await backends?.close();
  });

  it('answers each use and misuse of the key on the api as documented: 401 for none or a malformed one, 403 for a wrong one', async () => {
    for (const probe of tokenProbes(apiKey, product, BODY_LIMIT)) {
      const result = record(`api ${probe.name}`, await http(`${api.url}${probe.path}`, { method: probe.method, headers: probe.headers, body: probe.body }));
      expect(result.status, probe.name).toBe(probe.status);
      if (result.status >= 400) expect(envelopeOf(result).statusCode, probe.name).toBe(probe.status);
    }
    for (const path of ['/health', '/ready', '/metrics', '/docs/json', `/v1/products/${product.id}`, '/v1/products?limit=5']) {
      record(`api GET ${path}`, await http(`${api.url}${path}`, { headers: { authorization: `Bearer ${apiKey}` } }));
    }
    const cookie = `livecart_session=${sessionCookie}`;
    record('api GET /v1/auth/session', await http(`${api.url}/v1/auth/session`, { headers: { cookie } }));
    record('api wrong password', await http(`${api.url}/v1/auth/login`, { method: 'POST', body: { email: EMAIL, password: `${PASSWORD}x` } }));
    record('api password as email', await http(`${api.url}/v1/auth/login`, { method: 'POST', body: { email: PASSWORD, password: PASSWORD } }));
    record('api session as key', await http(`${api.url}/v1/products/bulk`, { method: 'POST', headers: { authorization: `Bearer ${sessionCookie}` }, body: { items: [] } }));
  });

  it('saves an edit through the admin page as the signed-in user, so the web server really forwards the session', async () => {
    const cookie = `livecart_session=${sessionCookie}`;
    const admin = record('web /admin', await http(`${web.url}/admin?q=${encodeURIComponent('Canary cup')}`, { headers: { cookie } }));
    const current = ProductSchema.parse((await http(`${api.url}/v1/products/${product.id}`)).json);
    // What a browser without JavaScript submits: the form's own fields plus the row's price and stock inputs.
    const fields: Record<string, string> = { ...formFields(admin.text, `edit-${product.id}`), price: '43.21', stock: '5' };
    expect(fields.version).toBe(String(current.version));
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    const response = await fetch(`${web.url}/admin`, { method: 'POST', body: form, headers: { cookie }, signal: AbortSignal.timeout(30_000) });
    record('web admin save', { status: response.status, headers: response.headers, text: await response.text(), json: undefined });
    expect(response.status).toBe(200);
    const saved = ProductSchema.parse((await http(`${api.url}/v1/products/${product.id}`)).json);
    expect(saved).toMatchObject({ priceMinor: 4_321, stock: 5, version: current.version + 1 });
  });

  it('serves pages, flight data and route handlers, signed in and not', async () => {
    const pages = ['/', `/products/${product.id}`, '/admin', '/products/00000000-0000-4000-8000-000000000000', '/no-such-page'];
    for (const path of pages) {
      const html = record(`web ${path}`, await http(`${web.url}${path}`));
      expect(html.status, path).toBeLessThan(500);
      record(`web ${path} (signed in)`, await http(`${web.url}${path}`, { headers: { cookie: `livecart_session=${sessionCookie}` } }));
      record(`web ${path} (RSC)`, await http(`${web.url}${path}`, { headers: { rsc: '1' } }));
      for (const asset of assetUrls(html.text, web.url)) record(`web asset ${asset}`, await http(asset));
    }
    record('web /api/products', await http(`${web.url}/api/products?ids=${product.id}`));
    expect(answers.filter((a) => a.what.startsWith('web asset ') && a.what.endsWith('.js')).length).toBeGreaterThan(3);
  });

  it('puts no canary in any response body or header', () => {
    expect(answers.length).toBeGreaterThan(30);
    // The scan reads what was served: the product's name is on its pages.
    expect(leakingAnswers(answers, product.name).length).toBeGreaterThan(3);
    for (const [name, secret] of Object.entries(canaries())) expect(leakingAnswers(answers, secret), name).toEqual([]);
  });

  it('writes no canary to any output line of the api, realtime or web process', () => {
    // The capture works: each process printed something.
    for (const name of ['[api]', '[realtime]', '[web]']) expect(log.lines.some((line) => line.startsWith(name)), name).toBe(true);
    // Every api request is logged (SLOW_REQUEST_MS=1 makes each one "slow"), so the scan reads them all.
    expect(log.lines.filter((line) => line.startsWith('[api]')).length).toBeGreaterThan(20);
    for (const [name, secret] of Object.entries(canaries())) expect(log.lines.filter((line) => leaks(line, secret)), name).toEqual([]);
  });

  it('ships no canary in the browser bundle on disk', async () => {
    const { hits, filesRead } = await filesContaining(join(WEB_BUILD_DIR, 'static'), Object.values(canaries()));
    expect(filesRead).toBeGreaterThan(10);
    expect(hits).toEqual([]);
  });
});
