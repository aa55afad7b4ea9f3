import { ProductGridSkeleton } from '@/components/catalog/product-grid';

export default function Loading() {
  return <ProductGridSkeleton />;
}
