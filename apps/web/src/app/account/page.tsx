import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { Suspense } from 'react';
import { CursorSchema } from '@livecart/schemas/product';
import { customerSignOut } from '@/app/account/actions';
import { OrderHistory } from '@/components/account/order-history';
import styles from '@/components/auth/auth.module.css';
import { fetchCustomerSession } from '@/lib/api/customers';
import { listCustomerOrders } from '@/lib/api/orders';
import { shopperCaller } from '@/lib/shopper/shopper-cookie';

export const metadata: Metadata = { title: 'Your account', robots: { index: false } };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default function AccountPage(props: Props) {
  return (
    <section aria-labelledby="account-title">
      <h1 id="account-title">Your account</h1>
      <Suspense fallback={<div className={`skeleton ${styles.placeholder}`} aria-busy="true" />}>
        <Account {...props} />
      </Suspense>
    </section>
  );
}

async function Account({ searchParams }: Props) {
  const caller = await shopperCaller();
  const session = await fetchCustomerSession(caller);
  if (session?.customer == null) redirect('/account/sign-in?next=/account');
  // `?orders=<cursor>`: an older page of the history (a cursor the API gave; anything else is the first page).
  const cursor = CursorSchema.safeParse((await searchParams).orders).data;
  const orders = await listCustomerOrders(caller, cursor === undefined ? {} : { cursor });
  return (
    <>
      <p data-testid="customer-email">
        Signed in as <strong>{session.customer.email}</strong>
      </p>
      <form action={customerSignOut}>
        <button type="submit" className={styles.submit}>
          Sign out
        </button>
      </form>
      <OrderHistory page={orders} olderHref={orders.nextCursor === null ? null : `/account?orders=${encodeURIComponent(orders.nextCursor)}`} />
    </>
  );
}
