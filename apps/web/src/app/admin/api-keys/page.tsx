import type { Metadata } from 'next';
import { Suspense } from 'react';
import styles from '@/components/admin/admin.module.css';
import { AdminOnly } from '@/components/admin/admin-only';
import { CreateKeyForm, RevokeKeyButton } from '@/components/admin/api-key-forms';
import { StaffBar } from '@/components/auth/staff-bar';
import { listApiKeys } from '@/lib/api/staff';
import { hasRole } from '@/lib/auth/roles';
import { requireStaffPage, staffReadHeaders } from '@/lib/auth/staff-session';

export const metadata: Metadata = { title: 'API keys', robots: { index: false } };

const when = (iso: string | null) => (iso === null ? 'never' : `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`);

export default function ApiKeysPage() {
  return (
    <>
      <h1>API keys</h1>
      <Suspense fallback={<div className={`skeleton ${styles.placeholder}`} aria-busy="true" />}>
        <ApiKeys />
      </Suspense>
    </>
  );
}

async function ApiKeys() {
  const session = await requireStaffPage('/admin/api-keys');
  if (!hasRole(session.user.role, 'admin')) {
    return (
      <>
        <StaffBar session={session} />
        <AdminOnly role={session.user.role} />
      </>
    );
  }
  const keys = await listApiKeys(await staffReadHeaders());
  return (
    <>
      <StaffBar session={session} />
      <div className={styles.layout}>
        <section className={styles.panel} aria-labelledby="keys-title">
          <h2 id="keys-title">Keys</h2>
          <p className={styles.hint}>For programs (imports, integrations): a key is shown once, when created, and stored only as a digest.</p>
          <div className={styles.tableWrap}>
            <table className={styles.table}>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Scopes</th>
                  <th scope="col">Last used</th>
                  <th scope="col">
                    <span className="visually-hidden">Revoke</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {keys.map((key) => (
                  <tr key={key.id} data-testid="key-row" data-key-id={key.id}>
                    <th scope="row">
                      {key.name}
                      <span className={styles.sku}>{key.prefix}…</span>
                    </th>
                    <td>{key.scopes.join(', ')}</td>
                    <td>{when(key.lastUsedAt)}</td>
                    <td>{key.revokedAt === null ? <RevokeKeyButton id={key.id} name={key.name} /> : `revoked ${when(key.revokedAt)}`}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {keys.length === 0 ? <p className={styles.hint}>No keys yet.</p> : null}
        </section>
        <div className={styles.side}>
          <CreateKeyForm />
        </div>
      </div>
    </>
  );
}
