import path from 'node:path';
import type { NextConfig } from 'next';
// Validates the environment at build and at server start.
import { env } from './src/env';
import { NON_DOCUMENT_POLICY } from './src/lib/security/content-security-policy';

/**
 * The storefront uses none of these; a page that is compromised cannot ask for them either. Only
 * features browsers implement: Chromium reports every unknown one (`bluetooth`, for one, is not a
 * policy-controlled feature) on every page, and the browser tests fail on that report.
 */
const permissionsPolicy = 'camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), hid=()';

const config: NextConfig = {
  // The container image copies .next/standalone; tracing from the monorepo root pulls in workspace packages.
  output: 'standalone',
  distDir: env.NEXT_DIST_DIR,
  outputFileTracingRoot: path.resolve(import.meta.dirname, '../..'),
  turbopack: { root: path.resolve(import.meta.dirname, '../..') },
  // `use cache` + cacheTag: product pages are cached and expired by events; listings render fresh (see README).
  cacheComponents: true,
  // Both caches a product page lives in are the project's own, so the cache invalidator can expire a tag
  // in them from outside any request, and before the first one (src/cache-handlers/tag-manifest.ts).
  // Node loads these files itself (type stripping), not the bundler.
  cacheHandlers: { default: path.resolve(import.meta.dirname, 'src/cache-handlers/use-cache-handler.ts') },
  cacheHandler: path.resolve(import.meta.dirname, 'src/cache-handlers/page-cache-handler.ts'),
  // Links prefetch one shared static shell per route, not each product's data (24 cards would mean 24 API reads).
  partialPrefetching: true,
  // Loaded by Node at run time (the cache invalidator's WebSocket client), not bundled.
  serverExternalPackages: ['ws'],
  // `next dev` opened as http://127.0.0.1:3000 (not localhost) still gets hot reload.
  allowedDevOrigins: ['127.0.0.1'],
  poweredByHeader: false,
  reactStrictMode: true,
  // A document's Content-Security-Policy is made per request, with its nonce (src/proxy.ts); what the
  // proxy leaves out gets a fixed one here.
  async headers() {
    const nonDocument = [{ key: 'Content-Security-Policy', value: NON_DOCUMENT_POLICY }];
    return [
      { source: '/_next/static/:path*', headers: nonDocument },
      { source: '/_next/image', headers: nonDocument },
      { source: '/api/:path*', headers: nonDocument },
      { source: '/icon.svg', headers: nonDocument },
      {
        source: '/:path*',
        headers: [
          { key: 'X-Content-Type-Options', value: 'nosniff' },
          { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
          { key: 'X-Frame-Options', value: 'DENY' },
          { key: 'Permissions-Policy', value: permissionsPolicy },
        ],
      },
    ];
  },
};

export default config;
