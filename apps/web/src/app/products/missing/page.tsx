import type { Metadata } from 'next';
import { notFound } from 'next/navigation';

export const metadata: Metadata = { title: 'Product not found', robots: { index: false } };

/**
 * Where the proxy rewrites a product page whose product does not exist (src/proxy.ts): decided before
 * rendering, so the answer is a real 404 with the product not-found page.
 */
export default function MissingProduct() {
  notFound();
}
