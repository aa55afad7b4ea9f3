import type { Metadata } from 'next';
import { Suspense } from 'react';
import styles from '@/components/admin/admin.module.css';
import { AdminOnly } from '@/components/admin/admin-only';
import { CreateUserForm, UserRow } from '@/components/admin/staff-user-forms';
import { StaffBar } from '@/components/auth/staff-bar';
import { listStaffUsers } from '@/lib/api/staff';
import { hasRole } from '@/lib/auth/roles';
import { requireStaffPage, staffReadHeaders } from '@/lib/auth/staff-session';

export const metadata: Metadata = { title: 'Staff users', robots: { index: false } };

export default function UsersPage() {
  return (
    <>
      <h1>Staff users</h1>
      <Suspense fallback={<div className={`skeleton ${styles.placeholder}`} aria-busy="true" />}>
        <Users />
      </Suspense>
    </>
  );
}

async function Users() {
  const session = await requireStaffPage('/admin/users');
  if (!hasRole(session.user.role, 'admin')) {
    return (
      <>
        <StaffBar session={session} />
        <AdminOnly role={session.user.role} />
      </>
    );
  }
  const users = await listStaffUsers(await staffReadHeaders());
  return (
    <>
      <StaffBar session={session} />
      <div className={styles.layout}>
        <section className={styles.panel} aria-labelledby="users-title">
          <h2 id="users-title">Users</h2>
          <p className={styles.hint}>A role change or a disable takes effect on the user&apos;s next request.</p>
          <div className={styles.tableWrap}>
            <table className={styles.table}>
              <thead>
                <tr>
                  <th scope="col">Email</th>
                  <th scope="col">Role</th>
                  <th scope="col">State</th>
                  <th scope="col">
                    <span className="visually-hidden">Disable or enable</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {users.map((user) => (
                  <UserRow key={`${user.id}:${user.updatedAt}`} user={user} self={user.id === session.user.id} />
                ))}
              </tbody>
            </table>
          </div>
        </section>
        <div className={styles.side}>
          <CreateUserForm />
        </div>
      </div>
    </>
  );
}
