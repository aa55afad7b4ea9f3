import type { Metadata } from 'next';
import { Suspense } from 'react';
import styles from '@/components/auth/auth.module.css';
import { LoginForm } from '@/components/auth/login-form';
import { safeNextPath } from '@/lib/auth/login-redirect';

export const metadata: Metadata = { title: 'Staff sign-in', robots: { index: false } };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default function LoginPage({ searchParams }: Props) {
  return (
    <section className={styles.card} aria-labelledby="login-title">
      <h1 id="login-title">Staff sign-in</h1>
      <p className={styles.hint}>For shop staff: editing prices and stock, users and API keys.</p>
      <Suspense fallback={<div className={`skeleton ${styles.placeholder}`} aria-busy="true" />}>
        <LoginFormFor searchParams={searchParams} />
      </Suspense>
    </section>
  );
}

async function LoginFormFor({ searchParams }: Props) {
  const { next } = await searchParams;
  return <LoginForm next={safeNextPath(next)} />;
}
