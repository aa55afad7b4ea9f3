import { CategorySlugSchema } from '@livecart/schemas/common';
import { CursorSchema, PRODUCT_SORTS, type ProductSort } from '@livecart/schemas/product';
import { minorToDecimal, parseMoney, STORE_CURRENCY } from './money';

/** What the catalog URL says: the state a shared link or the back button restores. */
export interface CatalogQuery {
  q?: string;
  category?: string;
  /** Minor units of STORE_CURRENCY; the URL holds major units (`min=10` is €10.00). */
  minPrice?: number;
  maxPrice?: number;
  inStock: boolean;
  sort: ProductSort;
  cursor?: string;
}

export type SearchParams = Record<string, string | string[] | undefined>;

export const DEFAULT_SORT: ProductSort = 'newest';

function first(value: string | string[] | undefined): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  const trimmed = v?.trim();
  return trimmed ? trimmed : undefined;
}

function isSort(value: string | undefined): value is ProductSort {
  return (PRODUCT_SORTS as readonly string[]).includes(value ?? '');
}

/** Lenient: a hand-edited or stale URL drops the parts it cannot use instead of failing the page. */
export function parseCatalogQuery(params: SearchParams): CatalogQuery {
  const q = first(params.q)?.slice(0, 100);
  const category = first(params.category);
  const cursor = first(params.cursor);
  const sort = first(params.sort);
  let minPrice = parsePrice(first(params.min));
  let maxPrice = parsePrice(first(params.max));
  if (minPrice !== undefined && maxPrice !== undefined && minPrice > maxPrice) {
    [minPrice, maxPrice] = [maxPrice, minPrice];
  }
  return {
    ...(q ? { q } : {}),
    ...(category && CategorySlugSchema.safeParse(category).success ? { category } : {}),
    ...(minPrice !== undefined ? { minPrice } : {}),
    ...(maxPrice !== undefined ? { maxPrice } : {}),
    inStock: ['1', 'true', 'on'].includes(first(params.inStock) ?? ''),
    sort: isSort(sort) ? sort : DEFAULT_SORT,
    ...(cursor && CursorSchema.safeParse(cursor).success ? { cursor } : {}),
  };
}

function parsePrice(value: string | undefined): number | undefined {
  return value === undefined ? undefined : (parseMoney(value, STORE_CURRENCY) ?? undefined);
}

/** The query string of `GET /v1/products` for this catalog state. */
export function toApiSearch(query: CatalogQuery, limit: number): URLSearchParams {
  const search = new URLSearchParams({ limit: String(limit), sort: query.sort });
  if (query.q) search.set('q', query.q);
  if (query.category) search.set('category', query.category);
  if (query.minPrice !== undefined) search.set('minPrice', String(query.minPrice));
  if (query.maxPrice !== undefined) search.set('maxPrice', String(query.maxPrice));
  if (query.inStock) search.set('inStock', 'true');
  if (query.cursor) search.set('cursor', query.cursor);
  return search;
}

/** A link to `pathname` showing `query`; defaults are left out so URLs stay short and canonical. */
export function catalogHref(query: CatalogQuery, pathname = '/'): string {
  const search = new URLSearchParams();
  if (query.q) search.set('q', query.q);
  if (query.category) search.set('category', query.category);
  if (query.minPrice !== undefined) search.set('min', minorToDecimal(query.minPrice, STORE_CURRENCY));
  if (query.maxPrice !== undefined) search.set('max', minorToDecimal(query.maxPrice, STORE_CURRENCY));
  if (query.inStock) search.set('inStock', '1');
  if (query.sort !== DEFAULT_SORT) search.set('sort', query.sort);
  if (query.cursor) search.set('cursor', query.cursor);
  const qs = search.toString();
  return qs ? `${pathname}?${qs}` : pathname;
}

export function hasFilters(query: CatalogQuery): boolean {
  return Boolean(query.q || query.category || query.inStock) || query.minPrice !== undefined || query.maxPrice !== undefined;
}
