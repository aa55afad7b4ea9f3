import styles from './admin.module.css';

/** What a non-admin sees on a page for admins: a refusal, nothing of its data. */
export function AdminOnly({ role }: { role: string }) {
  return (
    <p className={styles.notice} role="note" data-testid="forbidden">
      Not allowed: this page needs the admin role; you are signed in as {role}.
    </p>
  );
}
