import type { Metadata, Viewport } from 'next';
import { connection } from 'next/server';
import { type ReactNode, Suspense } from 'react';
import { SiteHeader } from '@/components/layout/site-header';
import './globals.css';
import styles from './layout.module.css';

export const metadata: Metadata = {
  title: { default: 'livecart', template: '%s · livecart' },
  description: 'A storefront whose prices and stock change live.',
};

export const viewport: Viewport = { width: 'device-width', initialScale: 1 };

/**
 * Renders nothing, after the request arrived: every page thus ends with a part rendered per request, and
 * its page data (inline scripts) goes out then, with that response's CSP nonce (src/proxy.ts), instead
 * of from a prerendered page that could carry none. The App Shell stays prerendered.
 */
async function PerRequest() {
  await connection();
  return null;
}

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
        <Suspense fallback={null}>
          <PerRequest />
        </Suspense>
      </body>
    </html>
  );
}
