import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { Suspense } from 'react';
import { customerSignOut } from '@/app/account/actions';
import styles from '@/components/auth/auth.module.css';
import { fetchCustomerSession } from '@/lib/api/customers';
import { shopperCaller } from '@/lib/shopper/shopper-cookie';

export const metadata: Metadata = { title: 'Your account', robots: { index: false } };

export default function AccountPage() {
  return (
    <section aria-labelledby="account-title">
      <h1 id="account-title">Your account</h1>
      <Suspense fallback={<div className={`skeleton ${styles.placeholder}`} aria-busy="true" />}>
        <Account />
      </Suspense>
    </section>
  );
}

async function Account() {
  const session = await fetchCustomerSession(await shopperCaller());
  if (session?.customer == null) redirect('/account/sign-in?next=/account');
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
    </>
  );
}
