import { TEST_CARDS } from '@livecart/schemas/payment';
import type { Product } from '@livecart/schemas/product';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { apiClient, apiLogin } from './support/api-client';
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
const ORDER_PAGE = /^\/orders\/([0-9a-f-]{36})$/;

/** A fresh browser: a shopper of their own (no shopper cookie yet). Its console is watched unless told otherwise. */
async function newShopper(options: { watch?: boolean } = {}): Promise<Page> {
  const browser = await launchBrowser();
  browsers.push(browser);
  const page = await browser.context.newPage();
  return options.watch === false ? page : watched(page);
}

function watched(page: Page): Page {
  page.on('console', (message) => {
    // A stylesheet the router preloaded for a link's target: console.e2e.test.ts judges the documents' own preloads.
    if (/^The resource \S+\.css was preloaded using link preload but not used/.test(message.text())) return;
    // The document of a page meant to answer 404.
    if (message.type() === 'error' && message.text().includes('status of 404') && /\/orders\//.test(message.location().url)) return;
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

/** From the cart page's "Check out" to a live checkout page. */
async function openCheckout(page: Page): Promise<void> {
  await page.goto(`${stack.webUrl}/cart`);
  await page.getByTestId('go-to-checkout').click();
  await page.waitForURL((url) => url.pathname === '/checkout');
  await page.getByTestId('place-order').waitFor();
  await waitUntilLive(page);
}

/** Fills the form and submits; resolves once on the order page, with its id. */
async function pay(page: Page, card: string, email = 'shopper@example.com'): Promise<string> {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Card number').fill(card);
  await page.getByTestId('place-order').click();
  await page.waitForURL((url) => ORDER_PAGE.test(url.pathname), { timeout: 30_000 });
  return ORDER_PAGE.exec(new URL(page.url()).pathname)![1]!;
}

const orderStatus = (page: Page) => page.getByTestId('order').getAttribute('data-status');

/** Another shopper buys `quantity` units straight from the API. */
async function buyElsewhere(product: Product, quantity: number): Promise<void> {
  const response = await fetch(`${stack.apiUrl}/v1/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() },
    body: JSON.stringify({ items: [{ productId: product.id, quantity }] }),
  });
  expect(response.status).toBe(201);
}

beforeAll(async () => {
  stack = await startStack({
    adminDatabaseUrl: inject('adminDatabaseUrl'),
    redisUrl: inject('redisUrl'),
    // Holds lapse after 4 s without cart activity (the sold-out case waits for it); the delayed card confirms after 6 s.
    apiEnv: { RESERVATION_TTL_MS: '4000', CART_SWEEP_INTERVAL_MS: '250', PAYMENT_TEST_DELAY_MS: '6000' },
    webEnv: { TEST_CARD_HINTS: 'true' },
  });
  api = apiClient(stack);
  products = (await api.list('limit=100&sort=newest')).filter((p) => p.currency === 'EUR' && p.stock >= 10);
  expect(products.length).toBeGreaterThanOrEqual(11);
}, 240_000);

afterAll(async () => {
  await Promise.allSettled(browsers.map((b) => b.close()));
  await stack?.stop();
});

describe('checkout', () => {
  it('checks out with the success card, lands on the order page as paid, with the guest’s link; another session gets HTTP 404', async () => {
    const page = await newShopper();
    const product = products[0]!;
    await addFromProductPage(page, product, 2);
    await openCheckout(page);
    expect(await page.getByTestId('test-cards').textContent()).toContain('4242 4242 4242 4242');
    expect(await page.getByTestId('checkout-total').textContent()).toBe(euros(2 * product.priceMinor));

    const orderId = await pay(page, TEST_CARDS.success);
    await eventually(() => orderStatus(page), 'paid');
    expect(await page.getByTestId('order-status').textContent()).toBe('Paid');
    expect(await page.getByTestId('order-total').textContent()).toBe(euros(2 * product.priceMinor));
    expect(await page.getByTestId('order-email').textContent()).toContain('shopper@example.com');
    const link = await page.getByTestId('order-link').getByRole('link').getAttribute('href');
    expect(link).toMatch(new RegExp(`/orders/${orderId}\\?token=`));

    // The cart became the order.
    await page.goto(`${stack.webUrl}/cart`);
    await eventually(() => page.getByTestId('cart-empty').isVisible(), true);

    const stranger = await newShopper();
    expect((await stranger.goto(`${stack.webUrl}/orders/${orderId}`))?.status()).toBe(404);
    expect((await stranger.goto(link!))?.status()).toBe(200);
    await eventually(() => orderStatus(stranger), 'paid');
  });

  it('with the delayed-confirmation card shows the order awaiting payment, then paid, without reload', async () => {
    const page = await newShopper();
    await addFromProductPage(page, products[1]!, 1);
    await openCheckout(page);
    await pay(page, TEST_CARDS.delayed);
    await markPage(page);
    expect(await orderStatus(page)).toBe('pending_payment');
    expect(await page.getByTestId('payment-outcome').getAttribute('data-outcome')).toBe('sent');
    await waitUntilLive(page);
    await eventually(() => orderStatus(page), 'paid', 25_000);
    expect(await page.getByTestId('order-status').textContent()).toBe('Paid');
    expect(await stillMarked(page)).toBe(true);
  });

  it('with the declined card says so clearly, keeps the items in the waiting order, and another card pays it live', async () => {
    const page = await newShopper();
    const product = products[2]!;
    await addFromProductPage(page, product, 3);
    await openCheckout(page);
    const orderId = await pay(page, TEST_CARDS.decline);
    expect(await page.getByTestId('payment-outcome').getAttribute('data-outcome')).toBe('declined');
    expect(await page.getByTestId('payment-outcome').textContent()).toContain('Your card was declined');
    expect(await orderStatus(page)).toBe('pending_payment');
    expect(await page.getByTestId('order-total').textContent()).toBe(euros(3 * product.priceMinor));
    // The order still holds its units: the product's stock went down by them and stays down.
    expect((await api.get(product.id)).stock).toBe(product.stock - 3);

    await waitUntilLive(page);
    await markPage(page);
    // The order page's own form (the router keeps the checkout page it came from, hidden, for Back).
    await page.getByRole('form', { name: 'Pay this order' }).getByLabel('Card number').fill(TEST_CARDS.success);
    await page.getByTestId('pay-order').click();
    await eventually(() => orderStatus(page), 'paid');
    expect(await stillMarked(page)).toBe(true);
    const response = await fetch(`${stack.apiUrl}/v1/orders/${orderId}`, { headers: { cookie: await apiLogin(stack.apiUrl, stack.staff.viewer) } });
    expect(((await response.json()) as { status: string }).status).toBe('paid');
  });

  const staffChanges = [
    { change: 'cancellation', action: 'cancel', status: 'cancelled', shown: 'Cancelled' },
    { change: 'fulfilment', action: 'fulfil', status: 'fulfilled', shown: 'Fulfilled' },
  ];
  for (const { change, action, status, shown } of staffChanges) it(`shows a ${change} by staff live on the order page`, async () => {
    const page = await newShopper();
    await addFromProductPage(page, products[3]!, 1);
    await openCheckout(page);
    const orderId = await pay(page, TEST_CARDS.success);
    await eventually(() => orderStatus(page), 'paid');
    await waitUntilLive(page);
    await markPage(page);
    const changed = await fetch(`${stack.apiUrl}/v1/orders/${orderId}/${action}`, { method: 'POST', headers: { cookie: await apiLogin(stack.apiUrl, stack.staff.editor) } });
    expect(changed.status).toBe(200);
    await eventually(() => orderStatus(page), status);
    expect(await page.getByTestId('order-status').textContent()).toBe(shown);
    expect(await stillMarked(page)).toBe(true);
  });

  it('says sold out on an open checkout page once others took the units of a lapsed hold, and refuses to submit', async () => {
    const page = await newShopper();
    const product = await api.patch(products[4]!.id, { stock: 3 });
    await addFromProductPage(page, product, 2);
    await openCheckout(page);
    await markPage(page);
    const stock = page.getByTestId('line-stock');
    // The sweeper gives the units back (an event on the product's topic and on the cart's).
    await eventually(() => stock.textContent(), 'Available (no longer reserved)', 20_000);
    await buyElsewhere(product, 2);
    await eventually(() => stock.textContent(), 'Only 1 left');
    // The cart view tells the form its lines' states from an effect, a render after it shows them.
    await eventually(() => page.getByTestId('place-order').isDisabled(), true);
    // Staff count the last unit away.
    await api.patch(product.id, { stock: 0 });
    await eventually(() => stock.textContent(), 'Sold out');
    expect(await page.getByTestId('cart-line').getAttribute('data-stock')).toBe('sold_out');
    await eventually(() => page.getByTestId('place-order').isDisabled(), true);
    expect(await page.getByTestId('checkout-blocked').textContent()).toContain(product.name);
    expect(await stillMarked(page)).toBe(true);
  });

  it('follows a price change on an open checkout page live, and pays the new total', async () => {
    const page = await newShopper();
    const [first, second] = [products[5]!, products[6]!];
    await addFromProductPage(page, first, 1);
    await addFromProductPage(page, second, 2);
    await openCheckout(page);
    await markPage(page);
    const repriced = await api.patch(second.id, { priceMinor: second.priceMinor + 250 });
    const line = page.locator(`[data-testid="cart-line"][data-product-id="${second.id}"]`);
    await eventually(() => line.getByTestId('price-change').textContent(), `Price changed: ${euros(second.priceMinor)} → ${euros(repriced.priceMinor)}`);
    const total = first.priceMinor + 2 * repriced.priceMinor;
    await eventually(() => page.getByTestId('checkout-total').textContent(), euros(total));
    expect(await stillMarked(page)).toBe(true);
    await pay(page, TEST_CARDS.success);
    expect(await page.getByTestId('order-total').textContent()).toBe(euros(total));
  });

  it('when a price changed unseen (realtime down), answers the new totals old → new and pays once confirmed', async () => {
    // Its socket fails while realtime is down, which the browser reports on the console: not watched, and
    // the earlier shoppers' pages, which would report the same, are closed first.
    await Promise.all(browsers.splice(0).map((browser) => browser.close()));
    const page = await newShopper({ watch: false });
    const product = products[7]!;
    await addFromProductPage(page, product, 2);
    await openCheckout(page);
    await stack.killRealtime();
    try {
      const repriced = await api.patch(product.id, { priceMinor: product.priceMinor + 100 });
      await page.getByLabel('Email').fill('shopper@example.com');
      await page.getByLabel('Card number').fill(TEST_CARDS.success);
      await page.getByTestId('place-order').click();
      await eventually(() => page.getByTestId('checkout-result').getAttribute('data-status'), 'price_changed');
      expect(await page.getByTestId('price-changed-line').textContent()).toBe(`${product.name}: ${euros(product.priceMinor)} → ${euros(repriced.priceMinor)} each`);
      expect(await page.getByTestId('price-changed-total').textContent()).toBe(`Total ${euros(2 * product.priceMinor)} → ${euros(2 * repriced.priceMinor)}`);
      // The error summary takes the focus, so a screen reader hears what changed.
      expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('checkout-result');
      expect(await page.getByTestId('checkout-total').textContent()).toBe(euros(2 * repriced.priceMinor));
      await page.getByRole('button', { name: `Confirm new total and pay ${euros(2 * repriced.priceMinor)}` }).click();
      await page.waitForURL((url) => ORDER_PAGE.test(url.pathname), { timeout: 30_000 });
      expect(await page.getByTestId('order-total').textContent()).toBe(euros(2 * repriced.priceMinor));
    } finally {
      await stack.startRealtime();
    }
  });

  it('names the fields to fix in a focused error summary and changes nothing', async () => {
    const page = await newShopper();
    const product = products[8]!;
    await addFromProductPage(page, product, 1);
    await openCheckout(page);
    await page.getByLabel('Email').fill('not an address');
    await page.getByLabel('Card number').fill('12');
    await page.getByTestId('place-order').click();
    await eventually(() => page.getByTestId('checkout-result').getAttribute('data-status'), 'invalid');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('checkout-result');
    expect(await page.getByTestId('checkout-result').getByRole('link').allTextContents()).toEqual([expect.stringMatching(/^Email: /), expect.stringMatching(/^Card number: /)]);
    expect(await page.getByLabel('Email').getAttribute('aria-invalid')).toBe('true');
    // What was typed stays for the next attempt.
    expect(await page.getByLabel('Email').inputValue()).toBe('not an address');
    expect(new URL(page.url()).pathname).toBe('/checkout');
    await page.goto(`${stack.webUrl}/cart`);
    expect(await page.getByTestId('cart-line').count()).toBe(1);
  });

  it('sends a visitor without a cart from /checkout to the cart page with a real redirect', async () => {
    const response = await fetch(`${stack.webUrl}/checkout`, { redirect: 'manual' });
    expect(response.status).toBe(303);
    expect(new URL(response.headers.get('location')!, stack.webUrl).pathname).toBe('/cart');
  });
});

describe('live cart topic', () => {
  it('shows lines added and removed in another tab on an open cart page, without reload', async () => {
    const page = await newShopper();
    const [first, second] = [products[9]!, products[10]!];
    await addFromProductPage(page, first, 1);
    await page.goto(`${stack.webUrl}/cart`);
    await waitUntilLive(page);
    await markPage(page);

    const otherTab = watched(await page.context().newPage());
    await addFromProductPage(otherTab, second, 2);
    const lines = () => page.getByTestId('cart-line').evaluateAll((els) => els.map((el) => el.getAttribute('data-product-id')).sort());
    await eventually(lines, [first.id, second.id].sort());
    await otherTab.goto(`${stack.webUrl}/cart`);
    await otherTab.getByRole('button', { name: `Remove ${first.name}` }).click();
    await eventually(lines, [second.id]);
    await eventually(() => page.getByTestId('cart-total').textContent(), euros(2 * second.priceMinor));
    expect(await stillMarked(page)).toBe(true);
    await otherTab.close();
  });
});

describe('customer', () => {
  it('prefills the signed-in customer’s email and lists the order in the account’s history, linked to its page', async () => {
    const page = await newShopper();
    const email = `buyer-${Date.now()}@example.com`;
    await page.goto(`${stack.webUrl}/account/sign-up`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('a long walk on the quiet beach');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL((url) => url.pathname === '/account');
    await eventually(() => page.getByTestId('order-history-empty').isVisible(), true);

    await addFromProductPage(page, products[1]!, 1);
    await openCheckout(page);
    expect(await page.getByLabel('Email').inputValue()).toBe(email);
    await page.getByLabel('Card number').fill(TEST_CARDS.success);
    await page.getByTestId('place-order').click();
    await page.waitForURL((url) => ORDER_PAGE.test(url.pathname), { timeout: 30_000 });
    const orderId = ORDER_PAGE.exec(new URL(page.url()).pathname)![1]!;
    // A customer's order is theirs by session: no link to keep.
    expect(new URL(page.url()).searchParams.has('token')).toBe(false);
    expect(await page.getByTestId('order-link').count()).toBe(0);
    await eventually(() => orderStatus(page), 'paid');

    await page.goto(`${stack.webUrl}/account`);
    const item = page.locator(`[data-testid="order-history-item"][data-order-id="${orderId}"]`);
    await eventually(() => item.getAttribute('data-status'), 'paid');
    await item.getByRole('link').click();
    await page.waitForURL((url) => url.pathname === `/orders/${orderId}`);
    await eventually(() => orderStatus(page), 'paid');
  });
});

describe('console', () => {
  it('no shopper page logged a console error or warning', () => {
    expect(consoleProblems).toEqual([]);
  });
});
