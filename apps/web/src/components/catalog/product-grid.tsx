import { productTopic } from '@livecart/schemas/topics';
import Link from 'next/link';
import { env } from '@/env';
import { listProducts } from '@/lib/api/products';
import { catalogHref, type CatalogQuery, hasFilters } from '@/lib/catalog-query';
import { LiveSubscription } from '../live/live-subscription';
import { ProductCard } from './product-card';
import styles from './product-grid.module.css';

/**
 * One page of the listing, fetched fresh per request: its `X-Event-Seq` goes to the live store, which
 * subscribes to exactly the products shown and resumes from that seq, so no change is lost in between.
 */
export async function ProductGrid({ query }: { query: CatalogQuery }) {
  const { page, seq, epoch } = await listProducts(query);
  if (page.items.length === 0) {
    return (
      <section className={styles.empty} aria-labelledby="empty-title">
        <h2 id="empty-title">{query.cursor ? 'No more products' : 'No products found'}</h2>
        <p>{hasFilters(query) ? 'Nothing matches these filters. Try widening the price range or another category.' : 'The catalog is empty right now.'}</p>
        {hasFilters(query) || query.cursor ? <Link href="/">Show all products</Link> : null}
      </section>
    );
  }
  return (
    <section aria-labelledby="results-title">
      <h2 id="results-title" className="visually-hidden">
        Products
      </h2>
      <LiveSubscription url={env.NEXT_PUBLIC_REALTIME_URL} products={page.items} seq={seq} epoch={epoch} topics={page.items.map((p) => productTopic(p.id))} />
      <ul className={styles.grid} data-testid="product-grid">
        {page.items.map((product) => (
          <ProductCard key={product.id} initial={product} />
        ))}
      </ul>
      <nav className={styles.pager} aria-label="Pagination">
        {query.cursor ? <Link href={catalogHref({ ...query, cursor: undefined })}>← First page</Link> : <span />}
        {page.nextCursor ? (
          <Link href={catalogHref({ ...query, cursor: page.nextCursor })} rel="next" data-testid="next-page">
            Next page →
          </Link>
        ) : null}
      </nav>
    </section>
  );
}

export function ProductGridSkeleton() {
  return (
    <div aria-busy="true" aria-live="polite">
      <p className="visually-hidden">Loading products…</p>
      <ul className={styles.grid} aria-hidden="true">
        {Array.from({ length: 8 }, (_, i) => (
          <li key={i} className={`skeleton ${styles.placeholder}`} />
        ))}
      </ul>
    </div>
  );
}
