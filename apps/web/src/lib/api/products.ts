import 'server-only';
import { type Product, ProductPageSchema, ProductSchema } from '@livecart/schemas/product';
import { cacheLife, cacheTag } from 'next/cache';
import { cache } from 'react';
import { z } from 'zod';
import { ALL_PRODUCTS_TAG, productTag } from '../cache-tags';
import { type CatalogQuery, toApiSearch } from '../catalog-query';
import { ApiError, apiRequest } from './http';

export const CATALOG_PAGE_SIZE = 24;

export async function listProducts(query: CatalogQuery, limit = CATALOG_PAGE_SIZE) {
  const { data, seq, epoch } = await apiRequest(`/v1/products?${toApiSearch(query, limit)}`, { schema: ProductPageSchema });
  return { page: data, seq, epoch };
}

/**
 * One product and the event seq it is current to, or null if it does not exist. Wrapped in React's
 * `cache` so the page and its metadata share one API call per request.
 */
export interface ProductSnapshot {
  product: Product;
  /** The event seq (`X-Event-Seq`) and history (`X-Event-Epoch`) the copy is current to. */
  seq: number | null;
  epoch: string | null;
}

export const getProduct = cache(async (id: string): Promise<ProductSnapshot | null> => {
  if (!z.uuid().safeParse(id).success) return null;
  try {
    const { data, seq, epoch } = await apiRequest(`/v1/products/${id}`, { schema: ProductSchema });
    return { product: data, seq, epoch };
  } catch (error) {
    if (error instanceof ApiError && error.code === 'NOT_FOUND') return null;
    throw error;
  }
});

/** Fresh copies of several products (after a realtime `reset`); ids the API no longer has are listed apart. */
export async function getProductsByIds(ids: readonly string[]): Promise<{ items: Product[]; missing: string[] }> {
  const results = await Promise.all(ids.map(async (id) => ({ id, found: await getProduct(id) })));
  return {
    items: results.flatMap((r) => (r.found ? [r.found.product] : [])),
    missing: results.filter((r) => !r.found).map((r) => r.id),
  };
}

/**
 * The id `generateStaticParams` names so the product route gets an ISR entry per product: Next needs at
 * least one, and the API is not running during `next build`, so this one is answered without it.
 */
export const PRERENDER_PLACEHOLDER_ID = '00000000-0000-4000-8000-000000000000';

/**
 * A product as the product page shows it, cached (and the page with it) until an event about the product
 * expires its tag — see lib/cache-invalidation. The seq travels with the snapshot, so the browser
 * resumes its live updates from exactly where this copy was taken. The lifetime only bounds how old
 * that seq can get (how much history a browser replays); correctness comes from the event expiry.
 */
export async function getProductSnapshot(id: string): Promise<ProductSnapshot | null> {
  'use cache';
  cacheLife({ stale: 30, revalidate: 60, expire: 3_600 });
  cacheTag(ALL_PRODUCTS_TAG, productTag(id));
  if (id === PRERENDER_PLACEHOLDER_ID) return null;
  return getProduct(id);
}
