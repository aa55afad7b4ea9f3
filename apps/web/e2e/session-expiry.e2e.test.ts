import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { apiClient } from './support/api-client';
import { type Browser, launchBrowser } from './support/browser';
import { signIn, waitUntilLive } from './support/page-helpers';
import { type Stack, startStack } from './support/stack';

/** The API's shortest idle timeout: a session unused this long is over. */
const IDLE_TIMEOUT_S = 5;

let stack: Stack;
let browser: Browser;

beforeAll(async () => {
  stack = await startStack({ adminDatabaseUrl: inject('adminDatabaseUrl'), redisUrl: inject('redisUrl'), seedCount: 20, apiEnv: { SESSION_IDLE_TIMEOUT_S: String(IDLE_TIMEOUT_S) } });
  browser = await launchBrowser();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

it('after the idle timeout, the next admin action leads to the login page and changes nothing', async () => {
  const api = apiClient(stack);
  const [target] = (await api.list('limit=20&sort=newest')).filter((p) => p.currency === 'EUR');
  const page = await browser.context.newPage();
  await signIn(page, stack.webUrl, stack.staff.editor, `/admin?q=${encodeURIComponent(target!.name)}`);
  await waitUntilLive(page);
  const row = page.locator(`[data-testid="admin-row"][data-product-id="${target!.id}"]`);
  await row.getByTestId('price-input').fill(((target!.priceMinor + 99) / 100).toFixed(2));

  await new Promise((resolve) => setTimeout(resolve, (IDLE_TIMEOUT_S + 1.5) * 1_000));
  await row.getByTestId('save').click();
  await page.waitForURL((url) => url.pathname === '/login');
  expect(await api.get(target!.id)).toEqual(target);

  // And the admin page itself asks for a new sign-in.
  await page.goto(`${stack.webUrl}/admin`);
  await page.waitForURL((url) => url.pathname === '/login');
  await page.close();
});
