import styles from './product-details.module.css';

export function ProductSkeleton() {
  return (
    <div className={`skeleton ${styles.placeholder}`} aria-busy="true">
      <span className="visually-hidden">Loading product…</span>
    </div>
  );
}
