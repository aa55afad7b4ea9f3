import { PRODUCT_SORTS } from '@livecart/schemas';
import type { Tally } from './tally.js';

export interface ReadLoadOptions {
  /** API base URLs; requests go round robin over them. */
  apiUrls: readonly string[];
  productIds: readonly string[];
  categories: readonly string[];
  tally: Tally;
  timeoutMs: number;
}

/**
 * One storefront-like read: mostly product pages, some catalog pages with filters and sorting, some
 * conditional requests answered 304. Returns a task for `runPaced`.
 */
export function readTask(options: ReadLoadOptions): () => Promise<void> {
  let turn = 0;
  const etags = new Map<string, string>();
  return async () => {
    turn += 1;
    const base = options.apiUrls[turn % options.apiUrls.length]!;
    const kind = turn % 10;
    let path: string;
    const headers: Record<string, string> = {};
    if (kind < 7) {
      const id = options.productIds[Math.floor(Math.random() * options.productIds.length)]!;
      path = `/v1/products/${id}`;
      const etag = etags.get(id);
      if (kind === 6 && etag !== undefined) headers['if-none-match'] = etag;
    } else {
      const category = options.categories[turn % options.categories.length]!;
      const sort = PRODUCT_SORTS[turn % PRODUCT_SORTS.length]!;
      path = `/v1/products?category=${encodeURIComponent(category)}&sort=${sort}&limit=24${kind === 9 ? '&inStock=true' : ''}`;
    }
    const started = performance.now();
    try {
      const response = await fetch(`${base}${path}`, { headers, signal: AbortSignal.timeout(options.timeoutMs) });
      await response.arrayBuffer();
      const latency = performance.now() - started;
      if (response.status === 200 || response.status === 304) {
        const etag = response.headers.get('etag');
        if (etag !== null && path.startsWith('/v1/products/')) etags.set(path.slice('/v1/products/'.length), etag);
        options.tally.record('ok', latency);
      } else if (response.status === 404) options.tally.record('expected', latency);
      else options.tally.record('error', latency, `GET ${path} → ${response.status}`);
    } catch (error) {
      options.tally.record('error', performance.now() - started, `GET ${path} → ${(error as Error).message}`);
    }
  };
}
