import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { Suspense } from 'react';
import { OrderSummary } from '@/components/order/order-summary';
import { fetchOrder } from '@/lib/api/orders';
import { shopperCaller } from '@/lib/shopper/shopper-cookie';

export const metadata: Metadata = { title: 'Your order', robots: { index: false }, referrer: 'no-referrer' };

type Props = { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

/**
 * An order, for the owner's session or the holder of its link (`?token=`). Whether the caller may see it
 * is decided by the proxy before rendering (a real 404 otherwise); the check here covers what changed since.
 */
export default function OrderPage(props: Props) {
  return (
    <Suspense fallback={<div className="skeleton" style={{ minHeight: '12rem' }} aria-busy="true" />}>
      <OrderContents {...props} />
    </Suspense>
  );
}

async function OrderContents({ params, searchParams }: Props) {
  const [{ id }, { token }] = await Promise.all([params, searchParams]);
  const order = await fetchOrder(await shopperCaller(), id, typeof token === 'string' ? token : undefined);
  if (order === null) notFound();
  return <OrderSummary order={order} />;
}
