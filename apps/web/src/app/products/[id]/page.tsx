import { productTopic } from '@livecart/schemas/topics';
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { Suspense } from 'react';
import { LiveSubscription } from '@/components/live/live-subscription';
import { ProductDetails } from '@/components/product/product-details';
import { ProductSkeleton } from '@/components/product/product-skeleton';
import { env } from '@/env';
import { getProductSnapshot, PRERENDER_PLACEHOLDER_ID } from '@/lib/api/products';
import styles from './page.module.css';

type Props = { params: Promise<{ id: string }> };

export function generateStaticParams() {
  return [{ id: PRERENDER_PLACEHOLDER_ID }];
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const found = await getProductSnapshot((await params).id);
  return { title: found ? found.product.name : 'Product not found' };
}

/**
 * The back link is the App Shell; the product streams in on a first visit, after which the whole page
 * is served from the ISR cache until an event about the product expires it.
 */
export default function ProductPage({ params }: Props) {
  return (
    <>
      <nav aria-label="Breadcrumb" className={styles.crumbs}>
        <Link href="/">← Catalog</Link>
      </nav>
      <Suspense fallback={<ProductSkeleton />}>
        <Product params={params} />
      </Suspense>
    </>
  );
}

async function Product({ params }: Props) {
  const { id } = await params;
  const found = await getProductSnapshot(id);
  if (!found) notFound();
  const { product, seq, epoch } = found;
  return (
    <>
      <LiveSubscription url={env.NEXT_PUBLIC_REALTIME_URL} products={[product]} seq={seq} epoch={epoch} topics={[productTopic(product.id)]} />
      <ProductDetails initial={product} />
    </>
  );
}
