import type { Metadata } from 'next';
import { headers } from 'next/headers';
import { notFound } from 'next/navigation';
import { Suspense } from 'react';
import { LiveOrder } from '@/components/order/live-order';
import { env, showTestCards } from '@/env';
import { fetchOrder } from '@/lib/api/orders';
import { parsePaymentOutcome } from '@/lib/checkout/payment-outcome';
import { shopperCaller } from '@/lib/shopper/shopper-cookie';

export const metadata: Metadata = { title: 'Your order', robots: { index: false }, referrer: 'no-referrer' };

type Props = { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

/**
 * An order, for the owner's session or the holder of its link (`?token=`), its status live. Whether the
 * caller may see it is decided by the proxy before rendering (a real 404 otherwise); the check here covers
 * what changed since.
 */
export default function OrderPage(props: Props) {
  return (
    <Suspense fallback={<div className="skeleton" style={{ minHeight: '12rem' }} aria-busy="true" />}>
      <OrderContents {...props} />
    </Suspense>
  );
}

async function OrderContents({ params, searchParams }: Props) {
  const [{ id }, query] = await Promise.all([params, searchParams]);
  const token = typeof query.token === 'string' && query.token !== '' ? query.token : undefined;
  const found = await fetchOrder(await shopperCaller(), id, token);
  if (found === null) notFound();
  const linkUrl = token === undefined ? null : await orderLink(id, token);
  return (
    <LiveOrder
      url={env.NEXT_PUBLIC_REALTIME_URL}
      order={found.order}
      seq={found.seq}
      epoch={found.epoch}
      {...(token === undefined ? {} : { link: token })}
      linkUrl={linkUrl}
      payment={parsePaymentOutcome(query.payment)}
      showTestCards={showTestCards()}
    />
  );
}

/** The order's link as the visitor reached this site (its own host and scheme): theirs to keep. */
async function orderLink(id: string, token: string): Promise<string> {
  const request = await headers();
  const host = request.get('host') ?? 'localhost';
  const proto = request.get('x-forwarded-proto')?.split(',')[0]?.trim() === 'https' ? 'https' : 'http';
  return `${proto}://${host}/orders/${id}?token=${encodeURIComponent(token)}`;
}
