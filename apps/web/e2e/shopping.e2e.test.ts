import type { Product } from '@livecart/schemas/product';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { apiClient } from './support/api-client';
import { type Browser, launchBrowser } from './support/browser';
import { eventually, markPage, stillMarked, waitUntilLive } from './support/page-helpers';
import { type Stack, startStack } from './support/stack';

let stack: Stack;
let api: ReturnType<typeof apiClient>;
let products: Product[];
const browsers: Browser[] = [];

const euros = (minor: number) => `€${(minor / 100).toLocaleString('en-US', { minimumFractionDigits: 2 })}`;

/** A fresh browser: a shopper of their own (no shopper cookie yet). */
async function newShopper(): Promise<Page> {
  const browser = await launchBrowser();
  browsers.push(browser);
  return browser.context.newPage();
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
  expect(products.length).toBeGreaterThanOrEqual(4);
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
