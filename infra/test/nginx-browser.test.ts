import { randomBytes, randomUUID } from 'node:crypto';
import { ensureServices, findFreePort, type Services } from '@livecart/local-services';
import { clearRedisPrefix, createApiKey, createStaffUser, createTestDatabase, HOST, missingBuildsMessage, testRedisPrefix, type TestDatabase } from '@livecart/local-services/testing';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type Cluster } from '../cluster/cluster.js';
import { assertChromium, launchChromium, type Chromium } from './support/chromium.js';
import { assertNginx, startNginx, type Nginx } from '../nginx/run-nginx.js';

/**
 * infra/nginx/nginx.conf itself, run by Debian's nginx in front of the local cluster, with real Chromium
 * going through it: a server action posted from a page nginx served must reach Next.js with a Host that
 * matches the browser's Origin (port included), or Next.js refuses it. A second nginx runs the same file
 * with the port dropped again (`$host`), to show that this is what the test catches.
 */

const missing = missingBuildsMessage(['api', 'realtime', 'web']);
if (missing !== undefined) console.log(`[nginx-browser.test] skipped: ${missing}`);

const redisPrefix = testRedisPrefix('infra-nginx');
const editor = { email: 'nginx.editor@example.com', password: `nginx-test-${randomBytes(12).toString('hex')}` };
const decimal = (minor: number) => (minor / 100).toFixed(2);

/** The file as it was before the fix: the Host (and X-Forwarded-Host) without the browser's port. */
function dropPortFromHost(source: string): string {
  if (!/proxy_set_header Host \$http_host;/.test(source)) throw new Error('nginx.conf no longer forwards `Host $http_host`: update this test');
  return source.replaceAll('$http_host', '$host');
}

/** Waits for the page to hydrate: its live socket (opened by client code, through nginx's /ws) is up. */
async function waitUntilLive(page: Page): Promise<void> {
  await expect.poll(() => page.getByTestId('connection-state').getAttribute('data-state'), { timeout: 20_000, interval: 50 }).toBe('connected');
}

/** The staff sign-in form (apps/web/src/app/login), submitted; resolves once its action answered. */
async function signIn(page: Page, base: string): Promise<number> {
  await page.goto(`${base}/login?next=%2Fadmin`);
  await page.getByLabel('Email').fill(editor.email);
  await page.getByLabel('Password').fill(editor.password);
  return actionStatus(page, () => page.getByRole('button', { name: 'Sign in' }).click());
}

/** Runs `act` (a click that submits a server action form) and gives the status of the action's POST. */
async function actionStatus(page: Page, act: () => Promise<void>): Promise<number> {
  const answered = page.waitForResponse((response) => response.request().method() === 'POST' && response.request().headers()['next-action'] !== undefined, { timeout: 20_000 });
  await act();
  return (await answered).status();
}

describe.skipIf(missing !== undefined)('infra/nginx/nginx.conf in front of the cluster, driven by Chromium', () => {
  let services: Services;
  let database: TestDatabase;
  let cluster: Cluster;
  let nginx: Nginx;
  let portless: Nginx;
  let browser: Chromium;
  let productId: string;
  let apiKey: string;

  async function createProduct(stock: number): Promise<string> {
    const response = await fetch(`${cluster.url}/v1/products`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
      body: JSON.stringify({ sku: `NGINX-${randomBytes(4).toString('hex').toUpperCase()}`, name: 'Proxy test lamp', category: 'lighting', priceMinor: 1_500, stock }),
    });
    const body = (await response.json()) as { id: string };
    if (response.status !== 201) throw new Error(`creating a product → ${response.status}: ${JSON.stringify(body)}`);
    return body.id;
  }

  const productOf = async (id: string) => (await (await fetch(`${cluster.url}/v1/products/${id}`)).json()) as { stock: number; priceMinor: number };
  const stockOf = async (id: string) => (await productOf(id)).stock;

  beforeAll(async () => {
    // Before anything starts: a machine without them fails here, naming the package to install.
    assertNginx();
    assertChromium();
    services = await ensureServices({ mode: 'test' });
    database = await createTestDatabase({ adminUrl: services.databaseUrl });
    const ports = { nginx: await findFreePort(), portless: await findFreePort() };
    const publicUrls = [`http://${HOST}:${ports.nginx}`, `http://${HOST}:${ports.portless}`];
    cluster = await startCluster({
      databaseUrl: database.url,
      redisUrl: services.redisUrl,
      redisPrefix,
      balancerPort: await findFreePort(),
      publicUrls,
      logLevel: 'warn',
      seed: false,
    });
    const address = (name: string) => new URL(cluster.urls.get(name)!).host;
    const upstreams = { api: [address('api-1'), address('api-2')], realtime: [address('realtime-1'), address('realtime-2')], web: [address('web')] };
    nginx = await startNginx({ name: 'nginx', port: ports.nginx, upstreams });
    portless = await startNginx({ name: 'nginx-host-without-port', port: ports.portless, upstreams, edit: dropPortFromHost });
    apiKey = await createApiKey(database.url, { name: 'nginx test', scopes: ['catalog:write'] });
    await createStaffUser(database.url, { ...editor, role: 'editor' });
    productId = await createProduct(100);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.allSettled([nginx?.stop(), portless?.stop()]);
    await cluster?.stop();
    await database?.drop();
    if (services !== undefined) await clearRedisPrefix(services.redisUrl, redisPrefix);
    await services?.stop();
  });

  it('serves a product page and takes its buy form (a server action) from the browser', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${nginx.url}/products/${productId}`);
    await waitUntilLive(page);
    const before = await stockOf(productId);

    const status = await actionStatus(page, () => page.getByTestId('buy-now').click());

    expect(status).toBe(200);
    await expect.poll(() => page.getByTestId('order-result').getAttribute('data-status'), { timeout: 15_000 }).toBe('ok');
    await expect.poll(() => stockOf(productId), { timeout: 5_000 }).toBe(before - 1);
    await page.close();
  });

  it('is what makes that work: with Host $host (no port) Next.js refuses the same action and nothing is ordered', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${portless.url}/products/${productId}`);
    await waitUntilLive(page);
    const before = await stockOf(productId);

    const status = await actionStatus(page, () => page.getByTestId('buy-now').click());

    expect(status).toBeGreaterThanOrEqual(400);
    expect(await page.getByTestId('order-result').getAttribute('data-status').catch(() => null)).not.toBe('ok');
    expect(await stockOf(productId)).toBe(before);
    await page.close();
  });

  it('signs a staff member in and saves an edit on the admin page (two server actions) from the browser', async () => {
    const page = await browser.context.newPage();
    expect(await signIn(page, nginx.url)).toBeLessThan(400);
    await page.waitForURL((url) => url.pathname === '/admin');
    await page.goto(`${nginx.url}/admin?q=${encodeURIComponent('Proxy test lamp')}`);
    await waitUntilLive(page);
    const row = page.locator(`[data-testid="admin-row"][data-product-id="${productId}"]`);
    const price = (await productOf(productId)).priceMinor + 123;
    await row.getByTestId('price-input').fill(decimal(price));

    const status = await actionStatus(page, () => row.getByTestId('save').click());

    expect(status).toBe(200);
    await expect.poll(() => row.getByTestId('save-result').getAttribute('data-status'), { timeout: 15_000 }).toBe('saved');
    await expect.poll(async () => (await productOf(productId)).priceMinor, { timeout: 5_000 }).toBe(price);
    await page.close();
  });

  it('is what makes sign-in work: with Host $host Next.js refuses the sign-in action and no session is set', async () => {
    // Cookies are shared across ports: drop the session the test above signed in with.
    await browser.context.clearCookies();
    const page = await browser.context.newPage();
    expect(await signIn(page, portless.url)).toBeGreaterThanOrEqual(400);
    expect(new URL(page.url()).pathname).toBe('/login');
    expect((await browser.context.cookies(portless.url)).map((cookie) => cookie.name)).not.toContain('livecart_session');
    await page.close();
  });
});
