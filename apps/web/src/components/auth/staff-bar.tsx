import type { StaffSession } from '@livecart/schemas';
import Link from 'next/link';
import { hasRole } from '@/lib/auth/roles';
import styles from './auth.module.css';
import { SignOutButtons } from './sign-out-buttons';

/** Who is signed in, with which role; the admin pages their role opens; sign out. */
export function StaffBar({ session }: { session: StaffSession }) {
  const { email, name, role } = session.user;
  return (
    <div className={styles.bar} data-testid="staff-bar">
      <p className={styles.who}>
        Signed in as {name === null ? null : <strong data-testid="staff-name">{name} </strong>}
        <strong data-testid="staff-email">{name === null ? email : `(${email})`}</strong>
        <span className={styles.role} data-testid="staff-role">
          {role}
        </span>
      </p>
      <nav aria-label="Admin" className={styles.links}>
        <Link href="/admin">Products</Link>
        {hasRole(role, 'admin') ? <Link href="/admin/users">Users</Link> : null}
        {hasRole(role, 'admin') ? <Link href="/admin/api-keys">API keys</Link> : null}
      </nav>
      <SignOutButtons />
    </div>
  );
}
