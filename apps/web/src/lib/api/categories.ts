import 'server-only';
import { PAGE_SIZE_MAX, ProductPageSchema } from '@livecart/schemas/product';
import { cacheLife, cacheTag } from 'next/cache';
import { apiRequest } from './http';

const CATEGORIES_TAG = 'categories';

/** Enough pages for the seeded catalog (thousands of products) without walking an unbounded one. */
const MAX_PAGES = 100;

/**
 * The category slugs in the catalog, for the filter menu. The API has no categories endpoint, so this
 * walks the listing once and caches the result (per server instance) for an hour: categories change
 * far more rarely than prices, and a missing new category only hides a menu entry for a while.
 */
export async function listCategories(): Promise<string[]> {
  'use cache';
  cacheLife('hours');
  cacheTag(CATEGORIES_TAG);
  const categories = new Set<string>();
  let cursor: string | null = null;
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const search = new URLSearchParams({ limit: String(PAGE_SIZE_MAX), sort: 'newest' });
    if (cursor) search.set('cursor', cursor);
    const { data } = await apiRequest(`/v1/products?${search}`, { schema: ProductPageSchema });
    for (const product of data.items) categories.add(product.category);
    cursor = data.nextCursor;
    if (!cursor) break;
  }
  return [...categories].sort();
}
