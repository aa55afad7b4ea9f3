import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';
import { SiteHeader } from '@/components/layout/site-header';
import './globals.css';
import styles from './layout.module.css';

export const metadata: Metadata = {
  title: { default: 'livecart', template: '%s · livecart' },
  description: 'A storefront whose prices and stock change live.',
};

export const viewport: Viewport = { width: 'device-width', initialScale: 1 };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <a href="#main" className={styles.skip}>
          Skip to content
        </a>
        <SiteHeader />
        <main id="main" className={styles.main}>
          {children}
        </main>
        <footer className={styles.footer}>Prices and stock update live. Demo store; orders are not shipped.</footer>
      </body>
    </html>
  );
}
