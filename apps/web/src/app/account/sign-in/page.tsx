import type { Metadata } from 'next';
import Link from 'next/link';
import { Suspense } from 'react';
import { CustomerForm } from '@/components/account/customer-form';
import styles from '@/components/auth/auth.module.css';
import { safeNextPath } from '@/lib/auth/login-redirect';

export const metadata: Metadata = { title: 'Sign in', robots: { index: false } };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default function Page({ searchParams }: Props) {
  return (
    <section className={styles.card} aria-labelledby="account-title">
      <h1 id="account-title">Sign in</h1>
      <p className={styles.hint}>Your cart comes with you: what you added as a guest is kept.</p>
      <Suspense fallback={<div className={`skeleton ${styles.placeholder}`} aria-busy="true" />}>
        <FormFor searchParams={searchParams} />
      </Suspense>
      <p className={styles.hint}>
        New here? <Link href="/account/sign-up">Create an account</Link>
      </p>
    </section>
  );
}

async function FormFor({ searchParams }: Props) {
  const { next } = await searchParams;
  return <CustomerForm mode="sign-in" next={safeNextPath(next, '/account')} />;
}
