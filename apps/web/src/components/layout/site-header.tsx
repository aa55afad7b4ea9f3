import Link from 'next/link';
import { ConnectionStatus } from './connection-status';
import styles from './site-header.module.css';

export function SiteHeader() {
  return (
    <header className={styles.header}>
      <div className={styles.inner}>
        <Link href="/" className={styles.brand}>
          <span aria-hidden="true" className={styles.logo}>◆</span> livecart
        </Link>
        <nav aria-label="Main" className={styles.nav}>
          <Link href="/">Catalog</Link>
          <Link href="/cart">Cart</Link>
          <Link href="/account">Account</Link>
          <Link href="/admin">Admin</Link>
          <Link href="/login">Staff sign-in</Link>
        </nav>
        <ConnectionStatus />
      </div>
    </header>
  );
}
