import type { Metadata } from 'next';
import { Suspense } from 'react';
import { CatalogFilters } from '@/components/catalog/catalog-filters';
import filterStyles from '@/components/catalog/catalog-filters.module.css';
import { ProductGrid, ProductGridSkeleton } from '@/components/catalog/product-grid';
import { parseCatalogQuery, type SearchParams } from '@/lib/catalog-query';
import styles from './page.module.css';

export const metadata: Metadata = { title: 'Catalog' };

type Props = { searchParams: Promise<SearchParams> };

/** The heading is static (prerendered shell); filters and results stream in as their data arrives. */
export default function CatalogPage({ searchParams }: Props) {
  return (
    <>
      <div className={styles.intro}>
        <h1>Catalog</h1>
        <p>Prices and stock on this page change live as the shop changes.</p>
      </div>
      <Suspense fallback={<div className={`skeleton ${filterStyles.placeholder}`} aria-hidden="true" />}>
        <Filters searchParams={searchParams} />
      </Suspense>
      <Suspense fallback={<ProductGridSkeleton />}>
        <Results searchParams={searchParams} />
      </Suspense>
    </>
  );
}

async function Filters({ searchParams }: Props) {
  return <CatalogFilters query={parseCatalogQuery(await searchParams)} />;
}

async function Results({ searchParams }: Props) {
  return <ProductGrid query={parseCatalogQuery(await searchParams)} />;
}
