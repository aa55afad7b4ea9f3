import type { ProductSort } from '@livecart/schemas/product';
import Link from 'next/link';
import { listCategories } from '@/lib/api/categories';
import { catalogHref, type CatalogQuery, hasFilters } from '@/lib/catalog-query';
import { minorToDecimal, STORE_CURRENCY } from '@/lib/money';
import styles from './catalog-filters.module.css';
import { QueryForm } from './query-form';
import { CategoryOptions } from './category-options';

const SORT_LABELS: Record<ProductSort, string> = {
  newest: 'Newest',
  price_asc: 'Price: low to high',
  price_desc: 'Price: high to low',
  name_asc: 'Name: A to Z',
  name_desc: 'Name: Z to A',
};

async function categoriesOrEmpty(): Promise<string[]> {
  try {
    return await listCategories();
  } catch {
    // The menu is a convenience: without it the listing (and its own error state) still renders.
    return [];
  }
}

/** A GET form: submitting navigates to a shareable URL, and the back button restores the previous filters. */
export async function CatalogFilters({ query }: { query: CatalogQuery }) {
  const categories = await categoriesOrEmpty();
  if (query.category && !categories.includes(query.category)) categories.unshift(query.category);
  return (
    <QueryForm action="/" className={styles.form} key={catalogHref({ ...query, cursor: undefined })} aria-label="Filter products">
      <div className={`${styles.field} ${styles.search}`}>
        <label htmlFor="f-q">Search</label>
        <input id="f-q" name="q" type="search" defaultValue={query.q ?? ''} placeholder="Name or description" maxLength={100} />
      </div>
      <div className={styles.field}>
        <label htmlFor="f-category">Category</label>
        <select id="f-category" name="category" defaultValue={query.category ?? ''}>
          <option value="">All categories</option>
          <CategoryOptions categories={categories} />
        </select>
      </div>
      <fieldset className={styles.range}>
        <legend>Price ({STORE_CURRENCY})</legend>
        <label htmlFor="f-min" className="visually-hidden">
          Minimum price
        </label>
        <input id="f-min" name="min" inputMode="decimal" placeholder="Min" pattern="\d+([.,]\d{1,2})?" defaultValue={query.minPrice === undefined ? '' : minorToDecimal(query.minPrice, STORE_CURRENCY)} />
        <span aria-hidden="true">–</span>
        <label htmlFor="f-max" className="visually-hidden">
          Maximum price
        </label>
        <input id="f-max" name="max" inputMode="decimal" placeholder="Max" pattern="\d+([.,]\d{1,2})?" defaultValue={query.maxPrice === undefined ? '' : minorToDecimal(query.maxPrice, STORE_CURRENCY)} />
      </fieldset>
      <div className={styles.field}>
        <label htmlFor="f-sort">Sort by</label>
        <select id="f-sort" name="sort" defaultValue={query.sort}>
          {Object.entries(SORT_LABELS).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </div>
      <label className={styles.check}>
        <input type="checkbox" name="inStock" value="1" defaultChecked={query.inStock} /> In stock only
      </label>
      <div className={styles.actions}>
        <button type="submit" className="primary-button">
          Apply
        </button>
        {hasFilters(query) ? (
          <Link href="/" className={styles.clear}>
            Clear filters
          </Link>
        ) : null}
      </div>
    </QueryForm>
  );
}
