import path from 'node:path';
import type { Product } from '@livecart/schemas/product';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { apiClient } from './support/api-client';
import { type Browser, launchBrowser } from './support/browser';
import { card, connectionState, eventually, markPage, priceMinor, signIn, stillMarked, waitUntilLive } from './support/page-helpers';
import { ARTIFACTS_DIR } from './support/paths';
import { type Stack, startStack } from './support/stack';

let stack: Stack;
let shopper: Browser;
let admin: Browser;
let api: ReturnType<typeof apiClient>;
/** Products in catalog order (newest first), so each test can take one nobody else touches. */
let products: Product[];

const screenshot = (name: string) => path.join(ARTIFACTS_DIR, `${name}.png`);
const decimal = (minor: number) => (minor / 100).toFixed(2);

beforeAll(async () => {
  stack = await startStack({ adminDatabaseUrl: inject('adminDatabaseUrl'), redisUrl: inject('redisUrl') });
  [shopper, admin] = await Promise.all([launchBrowser(), launchBrowser()]);
  // The admin browser signs in as the editor once; its session cookie lasts for the file.
  const login = await admin.context.newPage();
  await signIn(login, stack.webUrl, stack.staff.editor);
  await login.close();
  api = apiClient(stack);
  products = (await api.list('limit=24&sort=newest')).filter((p) => p.currency === 'EUR' && p.stock >= 10);
  expect(products.length).toBeGreaterThanOrEqual(5);
}, 240_000);

afterAll(async () => {
  await Promise.allSettled([shopper?.close(), admin?.close()]);
  await stack?.stop();
});

describe('catalog', () => {
  it('renders server-side and filters by category, stock, price and sort through the URL', async () => {
    const page = await shopper.context.newPage();
    await page.goto(`${stack.webUrl}/`);
    expect(await page.getByTestId('product-card').count()).toBe(24);
    await page.screenshot({ path: screenshot('catalog'), fullPage: true });

    const category = products[0]!.category;
    await page.getByLabel('Category').selectOption(category);
    await page.getByLabel('In stock only').check();
    await page.getByLabel('Sort by').selectOption('price_asc');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL((url) => url.searchParams.get('category') === category);
    await eventually(async () => new Set(await page.locator('[data-testid="product-card"] p').allTextContents()).size, 1);
    expect(await page.locator('[data-testid="product-card"] p').first().textContent()).toBe(category);
    const prices = await page.getByTestId('price').evaluateAll((els) => els.map((el) => Number(el.getAttribute('data-minor'))));
    expect(prices).toEqual([...prices].sort((a, b) => a - b));
    expect(await page.locator('[data-stock="0"]').count()).toBe(0);

    await page.getByLabel('Minimum price').fill(decimal(prices[0]!));
    await page.getByLabel('Maximum price').fill(decimal(prices[0]!));
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL((url) => url.searchParams.has('max'));
    const only = String(prices[0]);
    await eventually(() => page.getByTestId('price').evaluateAll((els, minor) => els.every((el) => el.getAttribute('data-minor') === minor), only), true);

    await page.goBack();
    await page.waitForURL((url) => !url.searchParams.has('max') && url.searchParams.get('category') === category);
    await eventually(() => page.getByTestId('product-card').count(), prices.length);
    await page.close();
  });

  it('shows an empty state when nothing matches', async () => {
    const page = await shopper.context.newPage();
    await page.goto(`${stack.webUrl}/?q=${encodeURIComponent('no product is called this zzzz')}`);
    await eventually(() => page.getByRole('heading', { name: 'No products found' }).isVisible(), true);
    await page.close();
  });
});

describe('live updates', () => {
  it('shows a price changed on the admin page in another browser’s catalog and product page without reload', async () => {
    const target = products[0]!;
    const catalog = await shopper.context.newPage();
    await catalog.goto(`${stack.webUrl}/`);
    const productPage = await shopper.context.newPage();
    await productPage.goto(`${stack.webUrl}/products/${target.id}`);
    await Promise.all([waitUntilLive(catalog), waitUntilLive(productPage)]);
    await Promise.all([markPage(catalog), markPage(productPage)]);

    const adminPage = await admin.context.newPage();
    await adminPage.goto(`${stack.webUrl}/admin?q=${encodeURIComponent(target.name)}`);
    await waitUntilLive(adminPage);
    const row = adminPage.locator(`[data-testid="admin-row"][data-product-id="${target.id}"]`);
    const newPrice = target.priceMinor + 123;
    await row.getByTestId('price-input').fill(decimal(newPrice));
    await row.getByTestId('save').click();
    await eventually(() => row.getByTestId('save-result').getAttribute('data-status'), 'saved');

    await eventually(() => priceMinor(card(catalog, target.id)), newPrice);
    await eventually(() => priceMinor(productPage), newPrice);
    expect(await stillMarked(catalog)).toBe(true);
    expect(await stillMarked(productPage)).toBe(true);
    await eventually(() => adminPage.locator(`[data-testid="event-feed"] li`).count().then((n) => n > 0), true);

    await productPage.screenshot({ path: screenshot('product'), fullPage: true });
    await adminPage.screenshot({ path: screenshot('admin'), fullPage: true });
    // The session cookie is httpOnly: no script of the page can read it.
    expect(await adminPage.evaluate(() => document.cookie)).not.toContain('livecart_session');
    await Promise.all([catalog.close(), productPage.close(), adminPage.close()]);
  });

  it('shows "reconnecting" while the realtime server is down, then catches up with changes made meanwhile', async () => {
    const target = products[1]!;
    const page = await shopper.context.newPage();
    await page.goto(`${stack.webUrl}/products/${target.id}`);
    await waitUntilLive(page);
    await markPage(page);

    await stack.killRealtime();
    await eventually(() => connectionState(page), 'reconnecting');
    const changed = await api.patch(target.id, { priceMinor: target.priceMinor + 77, stock: target.stock + 7 });
    await stack.startRealtime();

    await waitUntilLive(page);
    await eventually(() => priceMinor(page), changed.priceMinor);
    await eventually(() => page.getByTestId('stock-count').textContent(), String(changed.stock));
    expect(await stillMarked(page)).toBe(true);
    // The server's cached copy caught up too (its invalidator resumed from where it was cut off).
    const html = async () => (await fetch(`${stack.webUrl}/products/${target.id}`)).text();
    await eventually(async () => (await html()).includes(`data-minor="${changed.priceMinor}"`), true);
    await page.close();
  });
});

describe('product page cache', () => {
  it('renders each view from the cached snapshot, with its own nonce, until an event about the product expires it', async () => {
    const target = products[4]!;
    const load = () => fetch(`${stack.webUrl}/products/${target.id}`);
    const html = async () => (await load()).text();
    const nonceOf = (response: Response) => /'nonce-([^']+)'/.exec(response.headers.get('content-security-policy') ?? '')?.[1];
    await html(); // first visit: the snapshot is stored
    // Every view ends per request (its scripts carry that response's nonce), from the stored snapshot:
    // only an expiry that reaches the snapshot's cache can show the change.
    const [first, second] = [await load(), await load()];
    expect(nonceOf(first)).toBeDefined();
    expect(nonceOf(second)).not.toBe(nonceOf(first));
    expect(await second.text()).toContain(`data-minor="${target.priceMinor}"`);
    const changed = await api.patch(target.id, { priceMinor: target.priceMinor + 5 });
    await eventually(async () => (await html()).includes(`data-minor="${changed.priceMinor}"`), true);
  });
});

describe('orders', () => {
  it('places an order and the visible stock goes down', async () => {
    const target = await api.get(products[2]!.id);
    const page = await shopper.context.newPage();
    await page.goto(`${stack.webUrl}/products/${target.id}`);
    await waitUntilLive(page);
    await page.getByTestId('buy-now').click();
    await eventually(() => page.getByTestId('order-result').getAttribute('data-status'), 'ok');
    await eventually(() => page.getByTestId('stock-count').textContent(), String(target.stock - 1));
    await page.close();
  });

  it('says sold out when the stock went while the page could not know', async () => {
    const target = products[3]!;
    const page = await shopper.context.newPage();
    await page.goto(`${stack.webUrl}/products/${target.id}`);
    await waitUntilLive(page);
    await stack.killRealtime();
    await api.patch(target.id, { stock: 0 });
    await page.getByTestId('buy-now').click();
    await eventually(() => page.getByTestId('order-result').getAttribute('data-status'), 'sold_out');
    expect(await page.getByTestId('order-result').textContent()).toContain('Sold out');
    await stack.startRealtime();
    await eventually(() => page.getByTestId('stock').textContent(), 'Sold out');
    expect(await page.getByTestId('buy-now').isDisabled()).toBe(true);
    await page.close();
  });
});

describe('not found', () => {
  it('shows the product not-found page for an unknown id', async () => {
    const page = await shopper.context.newPage();
    await page.goto(`${stack.webUrl}/products/00000000-0000-4000-8000-00000000dead`);
    await eventually(() => page.getByRole('heading', { name: 'Page not found' }).isVisible(), true);
    await page.close();
  });
});

describe('security headers', () => {
  it('serves every page under its Content-Security-Policy, and the pages work under it without a single violation', async () => {
    // The signed-in browser, so that /admin shows the admin page, not the login page.
    const page = await admin.context.newPage();
    await page.addInitScript(() => {
      const seen: string[] = [];
      (window as unknown as { cspViolations: string[] }).cspViolations = seen;
      document.addEventListener('securitypolicyviolation', (event) => seen.push(`${event.effectiveDirective} ${event.blockedURI}`));
    });
    for (const path of ['/', `/products/${products[0]!.id}`, '/admin']) {
      const response = await page.goto(`${stack.webUrl}${path}`);
      const headers = response!.headers();
      expect(headers['content-security-policy'], path).toContain("frame-ancestors 'none'");
      expect(headers['permissions-policy'], path).toContain('camera=()');
      expect(headers['x-frame-options'], path).toBe('DENY');
      // Hydrated and subscribed over the WebSocket: scripts ran and the socket was allowed to connect.
      await waitUntilLive(page);
      expect(await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations), path).toEqual([]);
    }
    await page.close();
  });
});

describe('admin category reprice', () => {
  it('changes every price of a category through one API operation and says how many', async () => {
    const used = new Set(products.slice(0, 5).map((p) => p.category));
    const category = (await api.list('limit=100')).map((p) => p.category).find((c) => !used.has(c));
    expect(category).toBeDefined();
    const before = await api.list(`limit=100&category=${category}`);
    const page = await admin.context.newPage();
    await page.goto(`${stack.webUrl}/admin`);
    await waitUntilLive(page);
    const form = page.locator('form[aria-labelledby="bulk-title"]');
    await form.getByLabel('Category').selectOption(category!);
    await form.getByLabel('Change (%)').fill('10');
    await form.getByRole('button', { name: 'Apply' }).click();
    const done = new RegExp(`^Repriced \\d+ of \\d+ products in ${category} by \\+10 %\\.$`);
    await eventually(async () => done.test((await page.getByTestId('bulk-result').textContent()) ?? ''), true);
    const after = new Map((await api.list(`limit=100&category=${category}`)).map((p) => [p.id, p.priceMinor]));
    for (const product of before) expect(after.get(product.id)).toBe(Math.round((product.priceMinor * 11) / 10));

    await form.getByLabel('Category').selectOption(category!);
    await form.getByLabel('Change (%)').fill('-100');
    await form.getByRole('button', { name: 'Apply' }).click();
    await eventually(async () => (await page.getByTestId('bulk-result').textContent())?.includes('nothing was changed'), true);
    expect(new Map((await api.list(`limit=100&category=${category}`)).map((p) => [p.id, p.priceMinor]))).toEqual(after);
    await page.close();
  });
});
