import type { Metadata } from 'next';
import Link from 'next/link';
import { Suspense } from 'react';
import { CustomerForm } from '@/components/account/customer-form';
import styles from '@/components/auth/auth.module.css';
import { safeNextPath } from '@/lib/auth/login-redirect';

export const metadata: Metadata = { title: 'Create an account', robots: { index: false } };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default function Page({ searchParams }: Props) {
  return (
    <section className={styles.card} aria-labelledby="account-title">
      <h1 id="account-title">Create an account</h1>
      <p className={styles.hint}>Your cart comes with you.</p>
      <Suspense fallback={<div className={`skeleton ${styles.placeholder}`} aria-busy="true" />}>
        <FormFor searchParams={searchParams} />
      </Suspense>
      <p className={styles.hint}>
        Have an account? <Link href="/account/sign-in">Sign in</Link>
      </p>
    </section>
  );
}

async function FormFor({ searchParams }: Props) {
  const { next } = await searchParams;
  return <CustomerForm mode="sign-up" next={safeNextPath(next, '/account')} />;
}
