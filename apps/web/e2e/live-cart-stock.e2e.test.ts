import type { Product } from '@livecart/schemas/product';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { apiClient } from './support/api-client';
import { type Browser, launchBrowser } from './support/browser';
import { eventually, markPage, stillMarked, waitUntilLive } from './support/page-helpers';
import { type Stack, startStack } from './support/stack';

let stack: Stack;
let api: ReturnType<typeof apiClient>;
let shopper: Browser;
let product: Product;

/** Another shopper buys `quantity` units straight from the API. */
async function buyElsewhere(quantity: number): Promise<void> {
  const response = await fetch(`${stack.apiUrl}/v1/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() },
    body: JSON.stringify({ items: [{ productId: product.id, quantity }] }),
  });
  expect(response.status).toBe(201);
}

beforeAll(async () => {
  // Holds lapse after 4 s without cart activity and the sweeper releases them at once.
  stack = await startStack({ adminDatabaseUrl: inject('adminDatabaseUrl'), redisUrl: inject('redisUrl'), apiEnv: { RESERVATION_TTL_MS: '4000', CART_SWEEP_INTERVAL_MS: '250' } });
  api = apiClient(stack);
  const candidates = (await api.list('limit=24&sort=newest')).filter((p) => p.currency === 'EUR');
  product = await api.patch(candidates[0]!.id, { stock: 4 });
  shopper = await launchBrowser();
}, 240_000);

afterAll(async () => {
  await shopper?.close();
  await stack?.stop();
});

describe('live cart stock', () => {
  it('says "only N left", then "sold out", on an open cart page once its hold lapsed and others bought the units, without reload', async () => {
    const page = await shopper.context.newPage();
    await page.goto(`${stack.webUrl}/products/${product.id}`);
    await page.getByTestId('product-details').getByRole('spinbutton', { name: 'Quantity' }).fill('2');
    await page.getByTestId('product-details').getByTestId('add-to-cart').click();
    await eventually(() => page.getByTestId('product-details').getByTestId('add-to-cart-result').getAttribute('data-status'), 'ok');

    await page.goto(`${stack.webUrl}/cart`);
    await waitUntilLive(page);
    await markPage(page);
    const stock = page.getByTestId('line-stock');
    // The sweeper gives the units back (an event on the product's topic): the line is no longer reserved.
    await eventually(() => stock.textContent(), 'Available (no longer reserved)', 20_000);
    await buyElsewhere(3);
    await eventually(() => stock.textContent(), 'Only 1 left');
    await buyElsewhere(1);
    await eventually(() => stock.textContent(), 'Sold out');
    expect(await page.getByTestId('cart-line').getAttribute('data-stock')).toBe('sold_out');
    expect(await stillMarked(page)).toBe(true);
  });
});
