import Link from 'next/link';
import styles from './state.module.css';

export default function NotFound() {
  return (
    <section className={styles.state}>
      <h1>Page not found</h1>
      <p>There is nothing at this address.</p>
      <Link href="/">Back to the catalog</Link>
    </section>
  );
}
