import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { apiClient } from './support/api-client';
import { type Browser, launchBrowser } from './support/browser';
import { waitUntilLive } from './support/page-helpers';
import { ARTIFACTS_DIR } from './support/paths';
import { type Stack, startStack } from './support/stack';
import { quantile } from './support/stats';

const CHANGES = 60;
const WORKERS = 20;
const DURATION_MS = 10_000;

let stack: Stack;
let browser: Browser;
let api: ReturnType<typeof apiClient>;
const results: Record<string, unknown> = {};

beforeAll(async () => {
  stack = await startStack({ adminDatabaseUrl: inject('adminDatabaseUrl'), redisUrl: inject('redisUrl') });
  browser = await launchBrowser();
  api = apiClient(stack);
}, 240_000);

afterAll(async () => {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  writeFileSync(path.join(ARTIFACTS_DIR, 'performance.json'), `${JSON.stringify(results, null, 2)}\n`);
  await browser?.close();
  await stack?.stop();
});

describe('performance', () => {
  it(`shows an API price change in another browser's DOM quickly (${CHANGES} changes)`, async () => {
    const [target] = await api.list('limit=1&sort=newest');
    const page = await browser.context.newPage();
    await page.goto(`${stack.webUrl}/products/${target!.id}`);
    await waitUntilLive(page);
    // The page records when each price reaches the DOM, by its own clock (same machine as the test's).
    await page.evaluate(() => {
      const seen: Array<[number, string]> = [];
      Object.assign(window, { __seen: seen });
      const root = document.querySelector('[data-testid="product-details"]')!;
      new MutationObserver(() => {
        const minor = document.querySelector('[data-testid="price"]')?.getAttribute('data-minor');
        if (minor) seen.push([Date.now(), minor]);
      }).observe(root, { subtree: true, childList: true, attributes: true, characterData: true });
    });

    const latencies: number[] = [];
    for (let i = 1; i <= CHANGES; i += 1) {
      const price = target!.priceMinor + i;
      const sentAt = Date.now();
      await api.patch(target!.id, { priceMinor: price });
      const handle = await page.waitForFunction(
        (expected) => (window as unknown as { __seen: Array<[number, string]> }).__seen.find(([, minor]) => minor === expected)?.[0],
        String(price),
        { timeout: 10_000, polling: 'raf' },
      );
      latencies.push(Number(await handle.jsonValue()) - sentAt);
    }
    const p50 = quantile(latencies, 0.5);
    const p99 = quantile(latencies, 0.99);
    results.patchToDom = { changes: CHANGES, p50Ms: p50, p99Ms: p99, maxMs: Math.max(...latencies) };
    console.log(`[perf] PATCH → other browser's DOM over ${CHANGES} changes: p50 ${p50} ms, p99 ${p99} ms (target ≤ 100 / ≤ 250)`);
    // Generous bounds: a noisy 2-core VM must not flake the suite; the figures above are what to read.
    expect(p50).toBeLessThan(1_000);
    await page.close();
  });

  it(`serves product pages to ${WORKERS} concurrent clients`, async () => {
    const ids = (await api.list('limit=100')).map((p) => p.id);
    for (const id of ids) await (await fetch(`${stack.webUrl}/products/${id}`)).text(); // warm API caches and Next
    let ok = 0;
    let failed = 0;
    const deadline = Date.now() + DURATION_MS;
    const started = Date.now();
    await Promise.all(
      Array.from({ length: WORKERS }, async (_, worker) => {
        for (let i = worker; Date.now() < deadline; i += WORKERS) {
          const response = await fetch(`${stack.webUrl}/products/${ids[i % ids.length]}`);
          await response.arrayBuffer();
          if (response.ok) ok += 1;
          else failed += 1;
        }
      }),
    );
    const seconds = (Date.now() - started) / 1000;
    const rps = Math.round(ok / seconds);
    results.productPageThroughput = { workers: WORKERS, seconds, ok, failed, requestsPerSecond: rps };
    console.log(`[perf] product page render: ${rps} req/s with ${WORKERS} workers for ${seconds.toFixed(1)} s (${failed} failed; target ≥ 300)`);
    expect(failed).toBe(0);
    expect(rps).toBeGreaterThan(20);
  });
});
