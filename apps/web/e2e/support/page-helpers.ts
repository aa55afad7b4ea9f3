import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';

/** Polls until `read` returns `expected` (the DOM changes asynchronously, pushed by the server). */
export async function eventually<T>(read: () => Promise<T>, expected: T, timeout = 15_000): Promise<void> {
  await expect.poll(read, { timeout, interval: 50 }).toEqual(expected);
}

export const connectionState = (page: Page) => page.getByTestId('connection-state').getAttribute('data-state');

export async function waitUntilLive(page: Page): Promise<void> {
  await eventually(() => connectionState(page), 'connected');
}

export const priceMinor = (scope: Locator | Page) =>
  scope
    .getByTestId('price')
    .first()
    .getAttribute('data-minor')
    .then((v) => Number(v));

export function card(page: Page, id: string): Locator {
  return page.locator(`[data-testid="product-card"][data-product-id="${id}"]`);
}

/** Set before an expected live change and checked after: proves the page was not reloaded. */
export async function markPage(page: Page): Promise<void> {
  await page.evaluate(() => Object.assign(window, { __e2eMark: true }));
}

export async function stillMarked(page: Page): Promise<boolean> {
  return page.evaluate(() => (window as unknown as { __e2eMark?: boolean }).__e2eMark === true);
}

/** Signs in through the web's login page, as a person would; resolves on the page it lands on. */
export async function signIn(page: Page, webUrl: string, account: { email: string; password: string }, next = '/admin'): Promise<void> {
  await page.goto(`${webUrl}/login?next=${encodeURIComponent(next)}`);
  await page.getByLabel('Email').fill(account.email);
  await page.getByLabel('Password').fill(account.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => url.pathname === next.split('?')[0]);
}
