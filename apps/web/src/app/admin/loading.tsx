import styles from '@/components/admin/admin.module.css';

export default function Loading() {
  return (
    <div className={`skeleton ${styles.placeholder}`} aria-busy="true">
      <span className="visually-hidden">Loading admin…</span>
    </div>
  );
}
