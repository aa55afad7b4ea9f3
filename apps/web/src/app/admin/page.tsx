import { CATALOG_TOPIC } from '@livecart/schemas/topics';
import type { Metadata } from 'next';
import Link from 'next/link';
import { Suspense } from 'react';
import { BulkRepriceForm } from '@/components/admin/bulk-reprice-form';
import { EventFeed } from '@/components/admin/event-feed';
import { ProductEditorRow } from '@/components/admin/product-editor-row';
import { ProductRow } from '@/components/admin/product-row';
import styles from '@/components/admin/admin.module.css';
import { QueryForm } from '@/components/catalog/query-form';
import { LiveSubscription } from '@/components/live/live-subscription';
import { StaffBar } from '@/components/auth/staff-bar';
import { env } from '@/env';
import { listCategories } from '@/lib/api/categories';
import { listProducts } from '@/lib/api/products';
import { hasRole } from '@/lib/auth/roles';
import { requireStaffPage } from '@/lib/auth/staff-session';
import { catalogHref, type CatalogQuery, parseCatalogQuery, type SearchParams } from '@/lib/catalog-query';
import { CategoryOptions } from '@/components/catalog/category-options';

export const metadata: Metadata = { title: 'Admin', robots: { index: false } };

const ADMIN_PAGE_SIZE = 50;

type Props = { searchParams: Promise<SearchParams> };

export default function AdminPage({ searchParams }: Props) {
  return (
    <>
        <h1>Admin</h1>
        <Suspense fallback={<div className={`skeleton ${styles.placeholder}`} aria-busy="true" />}>
          <AdminContent searchParams={searchParams} />
        </Suspense>
    </>
  );
}

async function AdminContent({ searchParams }: Props) {
  const raw = parseCatalogQuery(await searchParams);
  // The editor lists by name, optionally narrowed to one category or a search.
  const query: CatalogQuery = { ...raw, sort: 'name_asc', inStock: false, minPrice: undefined, maxPrice: undefined };
  // First: nothing of the admin is read or shown without a live session.
  const session = await requireStaffPage(catalogHref(raw, '/admin'));
  // Viewers watch (prices, the live feed); editors and admins change things. The API checks every write again.
  const enabled = hasRole(session.user.role, 'editor');
  const [{ page, seq, epoch }, categories] = await Promise.all([listProducts(query, ADMIN_PAGE_SIZE), listCategories().catch(() => [])]);
  return (
    <>
      <StaffBar session={session} />
      <div className={styles.layout}>
        {/* The whole catalog topic: the feed shows every change, and every row stays current. */}
        <LiveSubscription url={env.NEXT_PUBLIC_REALTIME_URL} products={page.items} seq={seq} epoch={epoch} topics={[CATALOG_TOPIC]} />
        <section className={styles.panel} aria-labelledby="products-title">
          <h2 id="products-title">Products</h2>
          {enabled ? null : (
            <p className={styles.notice} role="note" data-testid="read-only-note">
              Read-only: your role ({session.user.role}) shows prices and the live feed; editing needs the editor role.
            </p>
          )}
          <QueryForm action="/admin" className={styles.bulkFields} key={catalogHref({ ...query, cursor: undefined }, '/admin')}>
            <label>
              Category
              <select name="category" defaultValue={query.category ?? ''}>
                <option value="">All</option>
                <CategoryOptions categories={categories} />
              </select>
            </label>
            <label>
              Search
              <input name="q" type="search" defaultValue={query.q ?? ''} />
            </label>
            <button type="submit" className={styles.save}>
              Show
            </button>
          </QueryForm>
          <div className={styles.tableWrap}>
            <table className={styles.table}>
              <caption className="visually-hidden">{enabled ? 'Products with editable price and stock' : 'Products with their price and stock'}</caption>
              <thead>
                <tr>
                  <th scope="col">Product</th>
                  <th scope="col">Category</th>
                  <th scope="col">Price</th>
                  <th scope="col">Stock</th>
                  <th scope="col">
                    <span className="visually-hidden">Save</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {page.items.map((product) =>
                  enabled ? <ProductEditorRow key={product.id} initial={product} /> : <ProductRow key={product.id} initial={product} />,
                )}
              </tbody>
            </table>
          </div>
          {page.items.length === 0 ? <p className={styles.hint}>No products match.</p> : null}
          <nav className={styles.pager} aria-label="Pagination">
            {query.cursor ? <Link href={catalogHref({ ...query, cursor: undefined }, '/admin')}>← First page</Link> : <span />}
            {page.nextCursor ? <Link href={catalogHref({ ...query, cursor: page.nextCursor }, '/admin')}>Next page →</Link> : null}
          </nav>
        </section>
        <div className={styles.side}>
          {enabled ? <BulkRepriceForm categories={categories} /> : null}
          <EventFeed />
        </div>
      </div>
    </>
  );
}
