import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { Product } from '@livecart/schemas/product';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { apiClient } from './support/api-client';
import { type Browser, launchBrowser } from './support/browser';
import { signIn, waitUntilLive } from './support/page-helpers';
import { REACT_SHELL_SCRIPTS } from '../src/lib/security/content-security-policy';
import { WEB_DIR } from './support/paths';
import { type Stack, startStack, type WebMode } from './support/stack';

const APP_DIR = path.join(WEB_DIR, 'src/app');
const UNKNOWN_PRODUCT_ID = '00000000-0000-4000-8000-00000000dead';
/** Chromium reports a preload nothing used 3 s after the load event; other reports come sooner. */
const LATE_REPORTS_MS = 4_000;

interface Visit {
  path: string;
  /** The page holds a live subscription: wait until its socket is connected. */
  live?: boolean;
  /** A heading the page must show (a not-found or empty state). */
  heading?: string;
  /** The document's status. A 404 is also logged as a failed resource: expected for that document only. */
  status?: number;
  /** Not a page (a route handler, a metadata file): fetched from a page of the app, as the app uses it. */
  fetched?: boolean;
  /** A fetched route's JSON body, POSTed. */
  post?: unknown;
}

interface Report {
  type: string;
  text: string;
  url: string;
}

/** Next's metadata files (icon.svg, sitemap.ts, ...): each is a route of its own. */
const METADATA_FILE = /^(favicon|icon\d*|apple-icon\d*|opengraph-image\d*|twitter-image\d*|sitemap|robots|manifest)\.\w+$/;

/**
 * The routes under src/app: every folder holding a page or a route handler (as its URL pattern,
 * `/products/[id]`), and every metadata file (by its name; a generated one by its stem). Route groups
 * `(x)` and parallel-route slots `@x` add no URL segment; private folders `_x` hold no routes.
 */
function appRoutes(dir = APP_DIR, prefix = ''): string[] {
  const entries = readdirSync(dir, { withFileTypes: true });
  const files = entries.filter((e) => e.isFile()).map((e) => e.name);
  const here = files.some((name) => /^(page|route)\.(tsx|ts|jsx|js|mdx)$/.test(name)) ? [prefix || '/'] : [];
  const metadata = files.filter((name) => METADATA_FILE.test(name)).map((name) => `${prefix}/${name.replace(/\.(tsx|ts|jsx|js)$/, '')}`);
  const below = entries
    .filter((e) => e.isDirectory() && !e.name.startsWith('_'))
    .flatMap((e) => appRoutes(path.join(dir, e.name), /^(\(.*\)|@.*)$/.test(e.name) ? prefix : `${prefix}/${e.name}`));
  return [...here, ...metadata, ...below];
}

/** An order placed through the API, opened by its link: the order page follows its private topic. */
interface PlacedOrder {
  id: string;
  accessToken: string;
}

/** How each route is visited. The first test fails while a route in src/app is missing here. */
function visitsByRoute(product: Product, order: PlacedOrder): Record<string, Visit[]> {
  return {
    '/': [
      { path: '/', live: true },
      { path: `/?category=${product.category}&inStock=1&sort=price_asc`, live: true },
      // The empty state shows no product, so it subscribes to nothing.
      { path: '/?q=no%20product%20is%20called%20this', heading: 'No products found' },
      { path: '/no-such-page', status: 404, heading: 'Page not found' },
    ],
    '/products/[id]': [
      { path: `/products/${product.id}`, live: true },
      // The proxy finds no such product before rendering and answers the site's 404.
      { path: `/products/${UNKNOWN_PRODUCT_ID}`, status: 404, heading: 'Page not found' },
    ],
    '/cart': [{ path: '/cart', heading: 'Your cart is empty' }],
    // Without a cart the proxy sends the visitor to the cart page.
    '/checkout': [{ path: '/checkout', heading: 'Your cart is empty' }],
    // Seen by its owner or link holder only; anyone else, like an unknown id, gets the site's 404.
    '/orders/[id]': [
      { path: `/orders/${order.id}?token=${encodeURIComponent(order.accessToken)}`, live: true, heading: 'Pay this order' },
      { path: `/orders/${UNKNOWN_PRODUCT_ID}`, status: 404, heading: 'Page not found' },
    ],
    '/api/cart': [{ path: '/api/cart', fetched: true }],
    // A visitor with no cart of that id is refused a token for its topic.
    '/api/realtime-token': [{ path: '/api/realtime-token', fetched: true, post: { topic: `cart:${UNKNOWN_PRODUCT_ID}` }, status: 403 }],
    // No customer is signed in: the account page sends the visitor to sign in.
    '/account': [{ path: '/account', heading: 'Sign in' }],
    '/account/sign-in': [{ path: '/account/sign-in', heading: 'Sign in' }],
    '/account/sign-up': [{ path: '/account/sign-up', heading: 'Create an account' }],
    // Visited signed in as an admin (each admin page, signed out, redirects to /login).
    '/admin': [{ path: '/admin', live: true }],
    '/admin/users': [{ path: '/admin/users', heading: 'New staff user' }],
    '/admin/api-keys': [{ path: '/admin/api-keys', heading: 'New API key' }],
    '/login': [{ path: '/login', heading: 'Staff sign-in' }],
    '/api/products': [{ path: `/api/products?ids=${product.id}`, fetched: true }],
    '/icon.svg': [{ path: '/icon.svg', fetched: true }],
  };
}

/** The stylesheets a document asks the browser to preload itself, as opposed to the router's prefetches. */
function ownStylePreloads(html: string, base: string): Set<string> {
  const links = html.match(/<link\b[^>]*>/g) ?? [];
  return new Set(
    links
      .filter((link) => /\brel="preload"/.test(link) && /\bas="style"/.test(link))
      .flatMap((link) => /\bhref="([^"]+)"/.exec(link)?.[1] ?? [])
      .map((href) => new URL(href.replaceAll('&amp;', '&'), base).href),
  );
}

/**
 * Whether a report means something is wrong. Every error and warning does, except the browser
 * describing intended behaviour: the failed-resource line of a document or fetch meant to answer 404 (or 403), and an unused
 * preload of a stylesheet the router fetched ahead for a link's target (prefetching). The document's own
 * preloads must all be used, judged on the production server: `next dev` splits and hints CSS its own way.
 */
function isProblem(report: Report, context: { mode: WebMode; visit: Visit; url: string; ownPreloads: Set<string> }): boolean {
  if (report.type !== 'error' && report.type !== 'warning') return false;
  const { mode, visit, url, ownPreloads } = context;
  if (visit.status !== undefined && report.url === url && report.text.includes(`status of ${visit.status}`)) return false;
  const unused = /^The resource (\S+\.css) was preloaded using link preload but not used/.exec(report.text);
  if (unused && (mode === 'development' || !ownPreloads.has(unused[1]!))) return false;
  return true;
}

describe.each<WebMode>(['development', 'production'])('every page under %s', (mode) => {
  let stack: Stack;
  let browser: Browser;
  let product: Product;
  let order: PlacedOrder;

  beforeAll(async () => {
    stack = await startStack({ adminDatabaseUrl: inject('adminDatabaseUrl'), redisUrl: inject('redisUrl'), seedCount: 30, web: mode });
    browser = await launchBrowser();
    const login = await browser.context.newPage();
    // `next dev` compiles the login page and the admin page on this first visit.
    login.setDefaultTimeout(120_000);
    await signIn(login, stack.webUrl, stack.staff.admin);
    await login.close();
    const [newest] = await apiClient(stack).list('limit=1&sort=newest');
    product = newest!;
    const placed = await fetch(`${stack.apiUrl}/v1/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() },
      body: JSON.stringify({ items: [{ productId: product.id, quantity: 1 }] }),
    });
    order = (await placed.json()) as PlacedOrder;
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('names a visit for every route in src/app', () => {
    expect(Object.keys(visitsByRoute(product, order)).sort()).toEqual(appRoutes().sort());
  });

  it('loads every page without a console error, a warning or an uncaught exception', async () => {
    const opened: Array<{ page: Page; visit: Visit; url: string; reports: Report[]; ownPreloads: Set<string> }> = [];
    for (const visit of Object.values(visitsByRoute(product, order)).flat()) {
      const page = await browser.context.newPage();
      const url = `${stack.webUrl}${visit.path}`;
      const reports: Report[] = [];
      page.on('console', (message) => reports.push({ type: message.type(), text: message.text(), url: message.location().url }));
      page.on('pageerror', (error) => reports.push({ type: 'error', text: `uncaught: ${error.stack ?? error.message}`, url }));
      const entry = { page, visit, url, reports, ownPreloads: new Set<string>() };
      opened.push(entry);
      try {
        // `next dev` compiles each route on its first visit.
        if (visit.fetched) {
          await page.goto(`${stack.webUrl}/`, { timeout: 120_000 });
          const status = await page.evaluate(
            async ({ target, post }) => (await fetch(target, post === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(post) })).status,
            { target: url, post: visit.post },
          );
          if (status !== (visit.status ?? 200)) reports.push({ type: 'error', text: `answered ${status}`, url });
          continue;
        }
        const response = await page.goto(url, { timeout: 120_000 });
        if (response?.status() !== (visit.status ?? 200)) reports.push({ type: 'error', text: `answered ${response?.status()}`, url });
        if (mode === 'production') entry.ownPreloads = ownStylePreloads((await response?.text()) ?? '', url);
        if (visit.live) await waitUntilLive(page);
        if (visit.heading) await page.getByRole('heading', { name: visit.heading }).waitFor({ timeout: 15_000 });
      } catch (error) {
        reports.push({ type: 'error', text: `visit failed: ${(error as Error).message}`, url });
      }
    }
    // Late reports: the dev server's checks after a render, prefetches, Chromium's unused-preload note.
    // The pages stay open meanwhile, so one wait covers them all.
    await new Promise((resolve) => setTimeout(resolve, LATE_REPORTS_MS));
    const problems = opened.flatMap(({ visit, url, reports, ownPreloads }) =>
      reports.filter((report) => isProblem(report, { mode, visit, url, ownPreloads })).map((r) => `${visit.path}: console.${r.type}: ${r.text} (${r.url})`),
    );
    await Promise.all(opened.map(({ page }) => page.close()));
    expect(problems).toEqual([]);
    // `next dev` compiles each of the twenty-odd visits' routes on first use.
  }, 300_000);

  it.runIf(mode === 'production')('sends a script policy without unsafe-inline and puts its fresh nonce on every inline script', async () => {
    const documents = Object.values(visitsByRoute(product, order))
      .flat()
      .filter((visit) => !visit.fetched);
    const shellScripts = new Set<string>(REACT_SHELL_SCRIPTS);
    const nonces = new Set<string>();
    // Twice each: the second visit of a product page is served from the page cache.
    for (const visit of [...documents, ...documents]) {
      const response = await fetch(`${stack.webUrl}${visit.path}`);
      const html = await response.text();
      const scriptSrc = (response.headers.get('content-security-policy') ?? '').split('; ').find((d) => d.startsWith('script-src ')) ?? '';
      expect(scriptSrc, visit.path).not.toContain("'unsafe-inline'");
      const nonce = /'nonce-([^']+)'/.exec(scriptSrc)?.[1];
      expect(nonce, `${visit.path}: a nonce in script-src`).toBeDefined();
      nonces.add(nonce!);
      const inline = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)].filter(([, attributes]) => !/\bsrc=/.test(attributes!));
      expect(inline.length, visit.path).toBeGreaterThan(0);
      for (const [, attributes, body] of inline) {
        if (shellScripts.has(body!)) continue;
        expect(attributes, `${visit.path}: <script${attributes}>${body!.slice(0, 60)}`).toContain(`nonce="${nonce}"`);
      }
    }
    expect(nonces.size, 'a new nonce per response').toBe(documents.length * 2);
  });
});
