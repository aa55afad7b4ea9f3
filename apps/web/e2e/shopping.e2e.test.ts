import { SHOPPER_SESSION_COOKIE } from '@livecart/schemas/customer';
import type { Product } from '@livecart/schemas/product';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CART_ID_COOKIE } from '../src/lib/shopper/cart-cookie';
import { apiClient } from './support/api-client';
import { type Browser, launchBrowser } from './support/browser';
import { eventually, markPage, stillMarked, waitUntilLive } from './support/page-helpers';
import { type Stack, startStack } from './support/stack';

let stack: Stack;
let api: ReturnType<typeof apiClient>;
let products: Product[];
const browsers: Browser[] = [];
/** Console errors, warnings and uncaught exceptions of every shopper page: none is expected. */
const consoleProblems: string[] = [];

const euros = (minor: number) => `€${(minor / 100).toLocaleString('en-US', { minimumFractionDigits: 2 })}`;

/** A fresh browser: a shopper of their own (no shopper cookie yet). */
async function newShopper(): Promise<Page> {
  const browser = await launchBrowser();
  browsers.push(browser);
  const page = await browser.context.newPage();
  page.on('console', (message) => {
    // A stylesheet the router preloaded for a link's target: console.e2e.test.ts judges the documents' own preloads.
    if (/^The resource \S+\.css was preloaded using link preload but not used/.test(message.text())) return;
    if (message.type() === 'error' || message.type() === 'warning') consoleProblems.push(`${page.url()}: console.${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => consoleProblems.push(`${page.url()}: ${error.message}`));
  return page;
}

/** Adds `quantity` of a product from its page, as a shopper would. */
async function addFromProductPage(page: Page, product: Product, quantity: number): Promise<void> {
  await page.goto(`${stack.webUrl}/products/${product.id}`);
  await page.getByTestId('product-details').getByRole('spinbutton', { name: 'Quantity' }).fill(String(quantity));
  await page.getByTestId('product-details').getByTestId('add-to-cart').click();
  await eventually(() => page.getByTestId('product-details').getByTestId('add-to-cart-result').getAttribute('data-status'), 'ok');
}

beforeAll(async () => {
  stack = await startStack({ adminDatabaseUrl: inject('adminDatabaseUrl'), redisUrl: inject('redisUrl') });
  api = apiClient(stack);
  products = (await api.list('limit=24&sort=newest')).filter((p) => p.currency === 'EUR' && p.stock >= 10);
  expect(products.length).toBeGreaterThanOrEqual(6);
}, 240_000);

afterAll(async () => {
  await Promise.allSettled(browsers.map((b) => b.close()));
  await stack?.stop();
});

describe('cart', () => {
  it('adds from the catalog and the product page; the cart page shows lines, holds and the API’s totals, and edits them', async () => {
    const page = await newShopper();
    const [first, second] = [products[0]!, products[1]!];
    await page.goto(`${stack.webUrl}/`);
    await page.locator(`[data-testid="product-card"][data-product-id="${first.id}"]`).getByTestId('add-to-cart').click();
    await eventually(() => page.locator(`[data-testid="product-card"][data-product-id="${first.id}"]`).getByTestId('add-to-cart-result').getAttribute('data-status'), 'ok');
    await addFromProductPage(page, second, 3);

    await page.goto(`${stack.webUrl}/cart`);
    await eventually(() => page.getByTestId('cart-line').count(), 2);
    expect(await page.getByTestId('cart-total').textContent()).toBe(euros(first.priceMinor + 3 * second.priceMinor));
    expect(await page.getByTestId('line-stock').allTextContents()).toEqual(['Reserved for you', 'Reserved for you']);
    // The API holds what the cart says: available went down by the held units.
    expect((await api.get(second.id)).available).toBe(second.available! - 3);

    const line = page.locator(`[data-testid="cart-line"][data-product-id="${second.id}"]`);
    await line.getByRole('spinbutton', { name: 'Quantity' }).fill('1');
    await line.getByRole('button', { name: 'Update' }).click();
    await eventually(() => page.getByTestId('cart-total').textContent(), euros(first.priceMinor + second.priceMinor));
    await page.getByRole('button', { name: `Remove ${first.name}` }).click();
    await eventually(() => page.getByTestId('cart-line').count(), 1);
    expect((await api.get(first.id)).available).toBe(first.available);
  });

  it('opens the cart when the shopper points at Add to cart, one session however many buttons, so the click is a single add', async () => {
    const page = await newShopper();
    const cookie = async (name: string) => (await page.context().cookies(stack.webUrl)).find((c) => c.name === name)?.value ?? null;
    await page.goto(`${stack.webUrl}/`);
    expect(await cookie(SHOPPER_SESSION_COOKIE)).toBeNull();
    const apiCalls: string[] = [];
    const cards = page.getByTestId('product-card');
    await cards.nth(0).getByTestId('add-to-cart').hover();
    await cards.nth(1).getByTestId('add-to-cart').hover();
    await eventually(async () => (await cookie(CART_ID_COOKIE)) !== null, true);
    const session = await cookie(SHOPPER_SESSION_COOKIE);
    expect(session).not.toBeNull();
    // Once per page load: pointing at another button asks nothing more.
    page.on('request', (request) => {
      if (request.url().includes('/api/cart')) apiCalls.push(request.method());
    });
    await cards.nth(2).getByTestId('add-to-cart').hover();
    const product = await cards.nth(1).getAttribute('data-product-id');
    await cards.nth(1).getByTestId('add-to-cart').click();
    await eventually(() => cards.nth(1).getByTestId('add-to-cart-result').getAttribute('data-status'), 'ok');
    expect(await cookie(SHOPPER_SESSION_COOKIE)).toBe(session);
    expect(apiCalls).toEqual([]);
    await page.goto(`${stack.webUrl}/cart`);
    expect(await page.locator('[data-testid="cart-line"]').evaluateAll((lines) => lines.map((line) => line.getAttribute('data-product-id')))).toEqual([product]);
  });

  it('shows a price changed by staff on an open cart page at once, old → new, and the totals follow, without reload', async () => {
    const page = await newShopper();
    const product = products[2]!;
    await addFromProductPage(page, product, 2);
    await page.goto(`${stack.webUrl}/cart`);
    await waitUntilLive(page);
    expect(await page.getByTestId('cart-total').textContent()).toBe(euros(2 * product.priceMinor));
    expect(await page.getByTestId('price-change').count()).toBe(0);
    await markPage(page);

    const newPrice = product.priceMinor + 250;
    await api.patch(product.id, { priceMinor: newPrice });
    await eventually(() => page.getByTestId('price-change').textContent(), `Price changed: ${euros(product.priceMinor)} → ${euros(newPrice)}`);
    await eventually(() => page.getByTestId('cart-total').textContent(), euros(2 * newPrice));
    expect(await page.getByTestId('line-unit-price').textContent()).toBe(euros(newPrice));
    expect(await stillMarked(page)).toBe(true);
  });
});

describe('customer accounts', () => {
  it('signs up, signs out, and at sign-in merges the guest cart into the customer’s', async () => {
    const page = await newShopper();
    const [mine, guests] = [products[4]!, products[5]!];
    const email = `shopper-${Date.now()}@example.com`;
    const password = 'a long walk on the quiet beach';
    await page.goto(`${stack.webUrl}/account/sign-up`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL((url) => url.pathname === '/account');
    await eventually(() => page.getByTestId('customer-email').textContent(), `Signed in as ${email}`);
    await addFromProductPage(page, mine, 1);

    await page.goto(`${stack.webUrl}/account`);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL((url) => url.pathname === '/');
    await page.goto(`${stack.webUrl}/cart`);
    await eventually(() => page.getByTestId('cart-empty').isVisible(), true);
    await addFromProductPage(page, guests, 2);

    await page.goto(`${stack.webUrl}/account/sign-in?next=/cart`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((url) => url.pathname === '/cart');
    await eventually(async () => (await page.getByTestId('cart-line').evaluateAll((els) => els.map((el) => el.getAttribute('data-product-id')))).sort(), [mine.id, guests.id].sort());
    expect(await page.getByTestId('cart-total').textContent()).toBe(euros(mine.priceMinor + 2 * guests.priceMinor));
  });
});

describe('order page', () => {
  it('shows an order to the holder of its link, and answers HTTP 404 without the token or for an unknown id', async () => {
    const product = products[3]!;
    const response = await fetch(`${stack.apiUrl}/v1/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() },
      body: JSON.stringify({ items: [{ productId: product.id, quantity: 2 }] }),
    });
    expect(response.status).toBe(201);
    const order = (await response.json()) as { id: string; accessToken: string };
    const page = await newShopper();
    const answer = await page.goto(`${stack.webUrl}/orders/${order.id}?token=${encodeURIComponent(order.accessToken)}`);
    expect(answer?.status()).toBe(200);
    await eventually(() => page.getByTestId('order-status').textContent(), 'Awaiting payment');
    expect(await page.getByTestId('order-total').textContent()).toBe(euros(2 * product.priceMinor));
    expect((await fetch(`${stack.webUrl}/orders/${order.id}`)).status).toBe(404);
    expect((await fetch(`${stack.webUrl}/orders/${order.id}?token=forged`)).status).toBe(404);
    expect((await fetch(`${stack.webUrl}/orders/00000000-0000-4000-8000-00000000dead`)).status).toBe(404);
  });
});

describe('not found', () => {
  it('answers HTTP 404 for an unknown product id, and 200 for a known one', async () => {
    const unknown = await fetch(`${stack.webUrl}/products/00000000-0000-4000-8000-00000000dead`);
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain('Page not found');
    expect((await fetch(`${stack.webUrl}/products/not-a-uuid`)).status).toBe(404);
    const known = await fetch(`${stack.webUrl}/products/${products[3]!.id}`);
    expect(known.status).toBe(200);
    expect(await known.text()).toContain(products[3]!.name);
  });
});

describe('console', () => {
  it('logged no error, warning or uncaught exception on any shopper page above', () => {
    expect(consoleProblems).toEqual([]);
  });
});
